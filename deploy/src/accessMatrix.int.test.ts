import type { SqlDatabase } from '@datebook/shared-kernel/ports';
import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { accessMatrixScenario } from './testing/accessMatrix.scenario';
import { startTestSystem, type TestSystem } from './testing/testSystem';

describe('the access matrix on the embedded default', () => {
  let db: SqlDatabase;
  let sys: TestSystem;
  beforeAll(async () => {
    db = await pgliteSqlDatabase();
    sys = await startTestSystem(db);
  });
  afterAll(async () => {
    await sys.stop();
    await db.close();
  });

  it('answers every role × visibility × operation as the role table says', async () => {
    await accessMatrixScenario({ http: () => sys.http(), signUp: (name) => sys.signUp(name) });
  }, 60_000);
});
