// Child processes for the browser tests: run a medallion command to
// completion, or keep one running (producer, server) with its output in a
// log file, and stop it at the end. Every failure message carries the
// command and the tail of its log.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const REPO = path.resolve(import.meta.dirname, '..', '..');

export function medallionBinary() {
  const binary = process.env.MEDALLION_BIN || path.join(REPO, 'build', 'medallion');
  try {
    fs.accessSync(binary, fs.constants.X_OK);
  } catch {
    throw new Error(`medallion binary not found at ${binary}: build it or set MEDALLION_BIN`);
  }
  return binary;
}

function tail(file, chars = 3000) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.slice(-chars);
  } catch {
    return '(no log)';
  }
}

// Keeps running until stop(); output goes to `logFile`.
export function start(command, args, logFile, options = {}) {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { stdio: ['ignore', out, out], ...options });
  fs.closeSync(out);
  let exited = null;
  const done = new Promise((resolve) => child.on('exit', (code, signal) => resolve((exited = { code, signal }))));
  return {
    child,
    logFile,
    exited: () => exited,
    log: () => tail(logFile),
    fullLog: () => fs.readFileSync(logFile, 'utf8'),
    describe: () => `$ ${command} ${args.join(' ')}\n${tail(logFile)}`,
    async stop(timeoutMs = 20000) {
      if (exited) return exited;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const result = await done;
      clearTimeout(killer);
      return result;
    },
    wait: () => done,
  };
}

// Runs to completion; throws with the log tail on a non-zero exit or timeout.
export async function run(command, args, logFile, timeoutMs = 180000) {
  const proc = start(command, args, logFile);
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), timeoutMs);
  const { code, signal } = await proc.wait();
  clearTimeout(timer);
  if (code !== 0) throw new Error(`command failed (code ${code}, signal ${signal}):\n${proc.describe()}`);
  return proc;
}

// Polls `check` (sync or async) until it returns a truthy value.
export async function waitFor(what, check, { timeoutMs = 60000, intervalMs = 200, proc = null } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (proc && proc.exited()) throw new Error(`${what}: process exited early\n${proc.describe()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${proc ? `\n${proc.describe()}` : ''}`);
    await sleep(intervalMs);
  }
}

// A port nothing listens on right now (loopback).
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
