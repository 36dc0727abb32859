// sfn.mjs — the JavaScript SDK v3 (@aws-sdk/client-sfn) against the server run.sh started
// (SFN_ENDPOINT): create, start, describe, history, StartSyncExecution (which needs
// disableHostPrefix: true, or the SDK sends it to sync-127.0.0.1), and errors as the SDK
// surfaces them (error.name, $metadata.httpStatusCode).
// Prints `ok js/NAME` or `FAIL js/NAME: why` per test and `N passed, N failed`.
// Usage: node sfn.mjs [MATCH]
import {
  SFNClient, CreateStateMachineCommand, DescribeStateMachineCommand, DeleteStateMachineCommand,
  StartExecutionCommand, DescribeExecutionCommand, GetExecutionHistoryCommand,
  ListStateMachinesCommand, StartSyncExecutionCommand, StopExecutionCommand,
  SendTaskSuccessCommand, TestStateCommand, paginateListExecutions,
} from "@aws-sdk/client-sfn";
import assert from "node:assert/strict";

const endpoint = process.env.SFN_ENDPOINT;
if (!endpoint) {
  console.error("SFN_ENDPOINT is not set (run by tests/serve/run.sh)");
  process.exit(2);
}
const match = (process.argv[2] || "").toLowerCase();
const waitSeconds = Number(process.env.SFN_WAIT_TIMEOUT || 20);
const sfn = new SFNClient({
  // region "local", as users' tests do (SFN_CLIENT_REGION: a peer that rejects it)
  endpoint, region: process.env.SFN_CLIENT_REGION || "local", disableHostPrefix: true, maxAttempts: 1,
  credentials: { accessKeyId: "AKIDTESTING", secretAccessKey: "test-secret" },
});
const role = "arn:aws:iam::123456789012:role/aslc-serve-tests";
const unique = (p) => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const passDefinition = JSON.stringify({
  StartAt: "P", States: { P: { Type: "Pass", Result: { js: true }, ResultPath: "$.r", End: true } },
});
const created = [];

async function createMachine(definition = passDefinition, type = "STANDARD") {
  const r = await sfn.send(new CreateStateMachineCommand({
    name: unique("js"), definition, roleArn: role, type,
  }));
  created.push(r.stateMachineArn);
  return r.stateMachineArn;
}
async function waitDone(executionArn) {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== "RUNNING") return d;
    if (Date.now() > deadline) throw new Error(`${executionArn} still RUNNING after ${waitSeconds} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
async function expectError(name, promise) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.name, name, `error ${e.name}: ${e.message}`);
    assert.equal(e.$metadata?.httpStatusCode, 400);
    assert.ok(e.message, "no message");
    return e;
  }
  throw new Error(`expected ${name}, the call succeeded`);
}

const tests = {
  async "create-describe"() {
    const arn = await createMachine();
    assert.match(arn, /^arn:aws:states:[a-z0-9-]+:\d{12}:stateMachine:js-/);
    const d = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    assert.equal(d.definition, passDefinition);
    assert.equal(d.status, "ACTIVE");
    assert.ok(d.creationDate instanceof Date, "creationDate is not a Date");
    const list = await sfn.send(new ListStateMachinesCommand({ maxResults: 1000 }));
    assert.ok(list.stateMachines.some((m) => m.stateMachineArn === arn));
  },
  async "start-describe-history"() {
    const arn = await createMachine();
    const { executionArn } = await sfn.send(new StartExecutionCommand({
      stateMachineArn: arn, input: JSON.stringify({ from: "js" }),
    }));
    const d = await waitDone(executionArn);
    assert.equal(d.status, "SUCCEEDED");
    assert.deepEqual(JSON.parse(d.output), { from: "js", r: { js: true } });
    assert.ok(d.startDate instanceof Date && d.stopDate instanceof Date);
    const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    assert.deepEqual(h.events.map((e) => e.type),
      ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]);
    assert.deepEqual(h.events.map((e) => e.id), [1, 2, 3, 4]);
    // AWS's first StateEntered points at event 0, not at ExecutionStarted
    assert.deepEqual(h.events.map((e) => e.previousEventId), [0, 0, 2, 3]);
    assert.ok(h.events.every((e) => e.timestamp instanceof Date));
  },
  async "list-executions-paginator"() {
    const arn = await createMachine();
    const runs = [];
    for (let i = 0; i < 3; i++) {
      runs.push((await sfn.send(new StartExecutionCommand({ stateMachineArn: arn }))).executionArn);
    }
    for (const r of runs) await waitDone(r);
    const seen = [];
    for await (const page of paginateListExecutions({ client: sfn, pageSize: 1 }, { stateMachineArn: arn })) {
      assert.ok(page.executions.length <= 1);
      seen.push(...page.executions.map((e) => e.executionArn));
    }
    assert.deepEqual([...seen].sort(), [...runs].sort());
  },
  async "start-sync-execution"() {
    const arn = await createMachine(passDefinition, "EXPRESS");
    const r = await sfn.send(new StartSyncExecutionCommand({
      stateMachineArn: arn, input: JSON.stringify({ sync: 1 }),
    }));
    assert.equal(r.status, "SUCCEEDED");
    assert.deepEqual(JSON.parse(r.output), { sync: 1, r: { js: true } });
  },
  async "test-state"() {
    // TestState also goes to the sync- host prefix: disableHostPrefix keeps it on the endpoint
    const r = await sfn.send(new TestStateCommand({
      definition: JSON.stringify({ Type: "Pass", Parameters: { "doubled.$": "States.MathAdd($.n, $.n)" }, Next: "After" }),
      input: JSON.stringify({ n: 21 }), inspectionLevel: "DEBUG",
    }));
    assert.equal(r.status, "SUCCEEDED");
    assert.deepEqual(JSON.parse(r.output), { doubled: 42 });
    assert.equal(r.nextState, "After");
    assert.deepEqual(JSON.parse(r.inspectionData.afterParameters), { doubled: 42 });
  },
  async "callback-and-stop"() {
    const arn = await createMachine(JSON.stringify({
      StartAt: "W", States: { W: {
        Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken", End: true,
        Parameters: { QueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/q",
          MessageBody: { "token.$": "$$.Task.Token" } } } },
    }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn }));
    const deadline = Date.now() + waitSeconds * 1000;
    let token;
    while (!token) {
      const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
      const s = h.events.find((e) => e.type === "TaskScheduled");
      if (s) token = JSON.parse(s.taskScheduledEventDetails.parameters).MessageBody.token;
      else if (Date.now() > deadline) throw new Error("no TaskScheduled event");
      else await new Promise((r) => setTimeout(r, 50));
    }
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"called":"back"}' }));
    const d = await waitDone(executionArn);
    assert.deepEqual(JSON.parse(d.output), { called: "back" });
    const second = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn }));
    await sfn.send(new StopExecutionCommand({ executionArn: second.executionArn, cause: "js" }));
    assert.equal((await waitDone(second.executionArn)).status, "ABORTED");
  },
  async "errors"() {
    const missing = `arn:aws:states:us-east-1:123456789012:stateMachine:${unique("absent")}`;
    const e = await expectError("StateMachineDoesNotExist",
      sfn.send(new DescribeStateMachineCommand({ stateMachineArn: missing })));
    assert.ok(e.message.includes(missing), e.message);
    await expectError("InvalidArn", sfn.send(new DescribeExecutionCommand({ executionArn: "nope" })));
    const arn = await createMachine();
    await expectError("InvalidExecutionInput",
      sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: "{bad" })));
    await expectError("StateMachineTypeNotSupported",
      sfn.send(new StartSyncExecutionCommand({ stateMachineArn: arn })));
    await expectError("InvalidDefinition", sfn.send(new CreateStateMachineCommand({
      name: unique("bad"), definition: "{}", roleArn: role })));
  },
};

let passed = 0;
let failed = 0;
for (const [name, fn] of Object.entries(tests)) {
  const id = `js/${name}`;
  if (match && !id.toLowerCase().includes(match)) continue;
  const start = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok ${id} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failed++;
    const why = `${e.name || "Error"}: ${e.message}`.replace(/\s+/g, " ").slice(0, 300);
    console.log(`FAIL ${id}: ${why}`);
  }
}
for (const arn of created) {
  try { await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn })); } catch { /* cleanup */ }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
