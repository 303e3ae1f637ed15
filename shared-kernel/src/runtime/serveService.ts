import type { Server } from 'node:http';
import { type ServiceAppOptions, serviceApp } from '../http/serviceApp';
import { serve } from './serve';

/** The settings of a production-profile service that its HTTP edge and listener read (see `serviceConfig`). */
export interface ServiceEdgeSettings {
  PORT: number;
  HOST: string;
  OPS_TOKEN?: string | undefined;
  CORS_ORIGINS: readonly string[];
}

/**
 * A service process's HTTP side, as every composition root of the production profile has it: its routes
 * behind the shared edge (the operators' token and CORS origins from its settings), listening on PORT and
 * HOST; a shutdown signal stops the listener and then runs `shutdown`, which releases what main opened.
 */
export function serveService(
  settings: ServiceEdgeSettings,
  options: Omit<ServiceAppOptions, 'opsToken' | 'corsOrigins'> & { name: string; shutdown(): Promise<void> },
): Server {
  const { name, shutdown, ...edge } = options;
  const app = serviceApp({ ...edge, opsToken: settings.OPS_TOKEN, corsOrigins: settings.CORS_ORIGINS });
  return serve(app, { port: settings.PORT, host: settings.HOST, logger: options.logger, name, shutdown });
}
