import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { pythonCaldavScenario } from './pythonCaldav.scenario';

pythonCaldavScenario('embedded PGlite', () => pgliteSqlDatabase(), (db) => db.close());
