import { isUniqueViolation, type SqlDatabase } from './sqlDatabase';

export interface SqlDatabaseContractOptions {
  /** A database with no table named `contract_rows`. */
  create(): Promise<SqlDatabase>;
  dispose(db: SqlDatabase): Promise<void>;
}

/** The one contract every SqlDatabase adapter must meet: its transactions, the statements they did not wait for included. */
export function sqlDatabaseContract(name: string, options: SqlDatabaseContractOptions): void {
  describe(`SqlDatabase contract: ${name}`, () => {
    let db: SqlDatabase;
    const names = async () => (await db.query<{ name: string }>('select name from contract_rows order by id')).rows.map((r) => r.name);
    beforeEach(async () => {
      db = await options.create();
      await db.exec('create table contract_rows (id int primary key, name text not null)');
    });
    afterEach(async () => {
      await options.dispose(db);
    });

    it('commits what the work wrote when it resolves, and nothing when it throws', async () => {
      expect(await db.transaction(async (tx) => (await tx.query('insert into contract_rows values (1, $1)', ['kept'])).rowCount)).toBe(1);
      await expect(db.transaction(async (tx) => {
        await tx.query('insert into contract_rows values (2, $1)', ['dropped']);
        throw new Error('work failed');
      })).rejects.toThrow('work failed');
      expect(await names()).toEqual(['kept']);
    });

    it('commits the statements the work sent and did not wait for, in the order sent', async () => {
      await db.transaction(async (tx) => {
        void tx.query('insert into contract_rows values (1, $1)', ['first']);
        void tx.query('update contract_rows set name = $1 where id = 1', ['second']);
        void tx.query('insert into contract_rows values (2, $1)', ['third']);
      });
      expect(await names()).toEqual(['second', 'third']);
    });

    it('fails with the first statement not waited for that fails, and keeps none of the transaction', async () => {
      await db.query('insert into contract_rows values (1, $1)', ['before']);
      const failed = db.transaction(async (tx) => {
        await tx.query('update contract_rows set name = $1 where id = 1', ['changed']);
        void tx.query('insert into contract_rows values (2, $1)', ['new']);
        void tx.query('insert into contract_rows values (1, $1)', ['duplicate']);
        void tx.query('insert into contract_rows values (3, $1)', ['after']);
        return 'resolved';
      });
      expect(isUniqueViolation(await failed.catch((error: unknown) => error))).toBe(true);
      expect(await names()).toEqual(['before']);
      // The database is still usable afterwards (the connection was not left inside the failed transaction).
      await db.transaction(async (tx) => void tx.query('insert into contract_rows values (4, $1)', ['later']));
      expect(await names()).toEqual(['before', 'later']);
    });

    it('reports the statement that failed, not the next one it aborted', async () => {
      await db.query('insert into contract_rows values (1, $1)', ['before']);
      const failed = db.transaction(async (tx) => {
        void tx.query('insert into contract_rows values (1, $1)', ['duplicate']);
        return tx.query('select name from contract_rows where id = $1', [1]);
      });
      expect(isUniqueViolation(await failed.catch((error: unknown) => error))).toBe(true);
    });

    it('refuses a statement sent after the work returned, rather than run it outside the transaction', async () => {
      let late: Promise<unknown> | undefined;
      await db.transaction(async (tx) => {
        late = (async () => {
          await tx.query('insert into contract_rows values (1, $1)', ['in time']);
          return tx.query('insert into contract_rows values (2, $1)', ['too late']);
        })();
        late.catch(() => undefined);
      }).catch(() => undefined);
      await expect(late).rejects.toThrow('a statement was sent after its transaction ended');
      expect(await names()).not.toContain('too late');
    });

    it('fails with the error the work made of a failure it caught', async () => {
      await db.query('insert into contract_rows values (1, $1)', ['before']);
      const failed = db.transaction(async (tx) => {
        await tx.query('insert into contract_rows values (1, $1)', ['duplicate']).catch(() => {
          throw new Error('that name is taken');
        });
      });
      await expect(failed).rejects.toThrow('that name is taken');
    });
  });
}
