#!/usr/bin/env node
// Executions per second of aws-local-stepfunctions' library API, the in-process peer of
// `aslc serve` (no HTTP at all): runs one definition on one input, keeping CONCURRENCY
// executions in flight for SECONDS, and prints a JSON line {"executions": N, "seconds": S,
// "per_second": R}. The package is looked up in ALS_DIR (default /tmp/peer-bench).
//
//   node als-throughput.mjs DEF.asl.json INPUT.json [SECONDS=10] [CONCURRENCY=16]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

// Version 3 calls Promise.withResolvers, which Node 20 lacks.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function () {
    let resolve, reject;
    const promise = new this((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}

const [defFile, inputFile, secondsArg = '10', concurrencyArg = '16'] = process.argv.slice(2);
if (!defFile || !inputFile) {
  process.stderr.write('usage: node als-throughput.mjs DEF.asl.json INPUT.json [SECONDS] [CONCURRENCY]\n');
  process.exit(2);
}
const require = createRequire(path.join(process.env.ALS_DIR || '/tmp/peer-bench', 'package.json'));
const { StateMachine } = require('aws-local-stepfunctions');

const machine = new StateMachine(JSON.parse(readFileSync(defFile, 'utf8')));
const input = JSON.parse(readFileSync(inputFile, 'utf8'));
const seconds = Number(secondsArg), concurrency = Number(concurrencyArg);

let done = 0, failed = 0;
const t0 = process.hrtime.bigint();
const deadline = t0 + BigInt(Math.round(seconds * 1e9));

// One of CONCURRENCY loops: start an execution, await it, start the next, until the deadline.
async function worker() {
  while (process.hrtime.bigint() < deadline) {
    try {
      await machine.run(input).result;
      done++;
    } catch {
      failed++;
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
process.stdout.write(JSON.stringify({ executions: done, failed, seconds: elapsed, per_second: done / elapsed }) + '\n');
