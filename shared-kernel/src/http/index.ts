// HTTP edge helpers shared by the services (express, JWT): kept apart from the pure kernel.
export * from './auth';
export * from './basicCredentials';
export * from './clientAddress';
export * from './credentialThrottle';
export * from './openApi';
export * from './problemDetails';
export * from './requestContext';
export * from './validation';
export * from './requestSchemas';
export * from './serviceApp';
export * from './jsonRoutes';
export * from './readiness';
export * from './operatorToken';
export * from './cors';
export * from './securityHeaders';
export * from './sessionRevocations';
export * from './opaqueToken';
