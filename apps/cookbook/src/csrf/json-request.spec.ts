import { isJsonContentType, isSafeMethod } from './json-request.js';

describe('isSafeMethod', () => {
  it.each([
    ['GET', true],
    ['head', true],
    ['OPTIONS', true],
    ['POST', false],
    ['PUT', false],
    ['patch', false],
    ['DELETE', false],
  ])('%s → %s', (method, safe) => {
    expect(isSafeMethod(method)).toBe(safe);
  });
});

describe('isJsonContentType', () => {
  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['Application/JSON ;charset=UTF-8', true],
    [' application/json', true],
    [undefined, false],
    ['', false],
    ['application/x-www-form-urlencoded', false],
    ['multipart/form-data; boundary=x', false],
    ['text/plain', false],
    ['text/plain; application/json', false],
    ['application/json-patch+json', false],
    ['application/jsonx', false],
  ])('%j → %s', (type, json) => {
    expect(isJsonContentType(type)).toBe(json);
  });
});
