import { z } from 'zod';
import { openApiDocument, type RouteDoc } from './openApi';

const info = { title: 'Test', version: '1' };
type Responses = Record<string, { content?: Record<string, unknown>; headers?: Record<string, unknown> }>;
const responsesOf = (routes: RouteDoc[], method: string, path: string) =>
  ((openApiDocument(info, routes).paths as Record<string, Record<string, { responses: Responses }>>)[path]?.[method]?.responses ?? {});

describe('openApiDocument', () => {
  test('refuses two operations with one operationId: clients name operations by it', () => {
    const route: RouteDoc = { method: 'get', path: '/a', operationId: 'same', summary: 'a', responses: { 200: { description: 'ok' } } };
    expect(() => openApiDocument(info, [route, { ...route, path: '/b' }])).toThrow(/operationId same is used twice/);
  });

  test('adds the problems the edge answers: 400 for input, 401 with a token, 413/415 with a body, 412 with If-Match', () => {
    const route: RouteDoc = { method: 'put', path: '/things/{id}', operationId: 'changeThing', summary: 'x', body: z.object({ a: z.string() }), headers: { 'If-Match': 'version' }, responses: { 200: { description: 'ok', headers: ['ETag'] } } };
    const responses = responsesOf([route], 'put', '/things/{id}');
    expect(Object.keys(responses).sort()).toEqual(['200', '400', '401', '412', '413', '415', 'default']);
    for (const status of ['400', '401', '412', '413', '415']) expect(responses[status]?.content).toEqual({ 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } });
    expect(responses['200']?.headers).toEqual({ ETag: { $ref: '#/components/headers/ETag' } });
  });

  test('declares the response headers it references, and only those', () => {
    const route: RouteDoc = { method: 'get', path: '/x', operationId: 'x', summary: 'x', headers: { 'X-Consistency-Token': 'wait' }, responses: { 200: { description: 'ok' } } };
    const headers = (openApiDocument(info, [route]).components as { headers: Record<string, unknown> }).headers;
    expect(Object.keys(headers)).toEqual(['Retry-After']);
  });

  test('a public route with no input still names the client error every route has, without a body', () => {
    const responses = responsesOf([{ method: 'get', path: '/healthz', operationId: 'live', summary: 'x', authenticated: false, responses: { 200: { description: 'ok' } } }], 'get', '/healthz');
    expect(Object.keys(responses).sort()).toEqual(['200', '4XX', 'default']);
    expect(responses['4XX']?.content).toBeUndefined();
  });
});
