export * from './app';
// The sign-in limits, shared with the app-password check where one process runs both (the embedded default).
export { memorySignInThrottle, redisSignInThrottle, type SignInThrottle } from './users/signInThrottle';
export * from './inboundMail';
export * from './subscriptions';
