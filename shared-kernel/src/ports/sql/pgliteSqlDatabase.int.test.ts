import { pgliteSqlDatabase } from './pgliteSqlDatabase';
import { sqlDatabaseContract } from './sqlDatabase.contract';

sqlDatabaseContract('pgliteSqlDatabase (in memory)', { create: () => pgliteSqlDatabase(), dispose: (db) => db.close() });
