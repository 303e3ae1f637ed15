import { pgliteSqlDatabase } from '@datebook/shared-kernel/ports/pglite';
import { bookingFlowScenario } from './testing/bookingFlow.scenario';

bookingFlowScenario('embedded PGlite', () => pgliteSqlDatabase(), (db) => db.close());
