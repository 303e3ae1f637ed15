/** What a service's `ready()` may report besides "ready": up and serving, but with something an operator should see. */
export interface ReadinessReport {
  /** Non-empty: the service serves, degraded (e.g. events parked as unprocessable); each entry says what. */
  degraded?: string[];
  /** Anything else the service wants its operators to see (counts, lags, ids). */
  details?: Record<string, unknown>;
}

/** Resolves (void: ready; a report: maybe degraded) or rejects with the reason it is not ready. */
export type ReadyHook = () => Promise<void | ReadinessReport>;

export type ReadinessStatus = 'ready' | 'degraded' | 'not ready';

export interface Readiness {
  status: ReadinessStatus;
  /** Degraded is still 200: the process serves and must stay in the load balancer. */
  httpStatus: 200 | 503;
  degraded?: string[];
  details?: Record<string, unknown>;
  reason?: string;
}

/** Runs the hook once: void → ready, a report with `degraded` entries → degraded, a throw → not ready. */
export async function checkReadiness(ready: ReadyHook): Promise<Readiness> {
  let report: void | ReadinessReport;
  try {
    report = await ready();
  } catch (error) {
    return { status: 'not ready', httpStatus: 503, reason: error instanceof Error ? error.message : String(error) };
  }
  const degraded = report?.degraded?.filter((entry) => entry.length > 0) ?? [];
  const details = report?.details;
  return {
    status: degraded.length > 0 ? 'degraded' : 'ready',
    httpStatus: 200,
    ...(degraded.length > 0 ? { degraded } : {}),
    ...(details ? { details } : {}),
  };
}

/**
 * The body of `/readyz`: anyone learns the status only; the reasons and details name internals
 * (hosts, queues, error messages) and are for operators (`Authorization: Bearer <OPS_TOKEN>`).
 */
export function readinessBody(readiness: Readiness, operator: boolean): Record<string, unknown> {
  if (!operator) return { status: readiness.status };
  const { httpStatus: _httpStatus, ...body } = readiness;
  return body;
}
