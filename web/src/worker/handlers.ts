// Everything the page may ask the engine, by name. The page imports only this file's type, so the
// request names and argument and result types are checked on both sides of postMessage.
import type { Device } from '../../../src/index.js';
import { convSteps, multiChannel, pooling, signal } from './conv-steps.js';
import { chooseDevice } from './device.js';
import { denseVsConv, engineInfo } from './engine-info.js';
import { filter, kernelList } from './filter.js';
import { firstFilters, predict } from './inside.js';
import { loadModel, saveModel } from './model-io.js';
import { ARCHITECTURES } from './model-state.js';
import { isTraining, pause, stop, train } from './train.js';
import { selfStudy, zooList, zooSummary } from './zoo.js';

/** Sends an event to the page (training progress) while a request runs. */
export type Emit = (event: string, data: unknown) => void;

export const handlers = {
  info: (_: void) => engineInfo(),
  setDevice: async (device: Device) => {
    if (isTraining()) throw new Error('training is running: stop it before switching between CPU and GPU');
    await chooseDevice(device);
    return engineInfo();
  },
  denseVsConv,
  convSteps,
  multiChannel: (_: void) => multiChannel(),
  pooling,
  signal: (_: void) => signal(),
  kernels: (_: void) => kernelList(),
  filter,
  architectures: (_: void) => Object.fromEntries(Object.entries(ARCHITECTURES).map(([k, v]) => [k, v.label])),
  train,
  pause,
  stop: (_: void) => stop(),
  saveModel: (_: void) => saveModel(),
  loadModel,
  predict,
  firstFilters: (_: void) => firstFilters(),
  zooList: (_: void) => zooList(),
  zooSummary,
  selfStudy: (_: void) => selfStudy(),
};

export type Handlers = typeof handlers;
export type Op = keyof Handlers;
export type Arg<K extends Op> = Parameters<Handlers[K]>[0];
export type Result<K extends Op> = Awaited<ReturnType<Handlers[K]>>;

/** Messages: page → worker { id, op, arg }; worker → page { id, result } | { id, error } | { event, data }. */
export interface Request { id: number; op: Op; arg: unknown }
export type Reply = { id: number; result: unknown } | { id: number; error: string } | { event: string; data: unknown };
