export * from './json-y';
export * from './workflow-doc';
export * from './presence';
export * from './protocol';
