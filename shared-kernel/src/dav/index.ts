// WebDAV / CalDAV at the protocol level (RFC 4918, RFC 3744, RFC 4791, RFC 6578): safe XML in, multistatus
// and DAV errors out, sync tokens. Knows nothing of calendars' contents.
export * from './davNames';
export * from './xmlTree';
export * from './xmlWriter';
export * from './safeXmlReader';
export * from './requestBody';
export * from './davError';
export * from './multistatus';
export * from './syncToken';
export * from './davResponses';
export * from './davPaths';
