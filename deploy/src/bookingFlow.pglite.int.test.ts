import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports';
import { bookingFlowScenario } from './testing/bookingFlow.scenario';

bookingFlowScenario('embedded PGlite', () => pgliteSqlDatabase(), (db) => db.close());
