export * from './kinds';
export * from './topology';
export * from './plan';
export * from './state';
export * from './launcher';
export * from './compose';
export * from './cli';
export { freePorts, respPing } from './probe';
export { pidAlive, readPid } from './proc';
