export { checkEvents, checkOperations, checkOperationsDetailed, describeIllegal, type DetailedCheck } from './checker';
export { History, type RecordOptions } from './history';
export {
  appendLogModel,
  counterModel,
  kvModel,
  partitionBy,
  registerModel,
  type CounterInput,
  type KvInput,
  type LogInput,
  type LogModelOptions,
  type LogOutput,
  type LogState,
  type RegisterInput,
} from './models';
export { NEVER_RETURNED, type CheckOptions, type CheckResult, type HistoryEvent, type Model, type Operation, type Time } from './types';
