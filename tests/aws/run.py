#!/usr/bin/env python3
"""run.py — `--aws` end to end against moto_server (moto 5.2.1), which this script starts on
127.0.0.1 at a free port and stops on the way out, whatever happens.

moto checks request signatures here: INITIAL_NO_AUTH_ACTION_COUNT lets the first calls (an IAM
user, its access key, a policy allowing everything) through unsigned, and every request after
them must be signed with that key, so each integration below also proves aslc's SigV4 against an
implementation someone else wrote. The workflows run in interp, jit and aot modes and as a built
executable; each result is compared with what boto3 returns for the same call on the same data.

Usage: tests/aws/run.py --aslc ASLC      Prints one line per test and `N passed, N failed`.
Skips (exit 0, saying so) when moto_server or boto3 is missing."""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

SANITIZER = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "ERROR: ThreadSanitizer", ": runtime error: ")
passed = failed = 0


def ok(name):
    global passed
    passed += 1
    print("ok   " + name)


def fail(name, why):
    global failed
    failed += 1
    print("FAIL %s: %s" % (name, str(why)[:600]))


def check(name, cond, why):
    (ok if cond else lambda n: fail(n, why))(name)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Env:
    def __init__(self, url, tmp):
        self.url = url
        self.tmp = tmp
        base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        base.update(HOME=tmp, AWS_EC2_METADATA_DISABLED="true", AWS_REGION="us-east-1",
                    AWS_DEFAULT_REGION="us-east-1", AWS_ENDPOINT_URL=self.url)
        self.base = base

    def with_keys(self, key, secret, token=None):
        e = dict(self.base, AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret)
        if token:
            e["AWS_SESSION_TOKEN"] = token
        return e


def run(aslc, args, env, stdin="{}", timeout=120):
    p = subprocess.run([aslc] + args, input=stdin, capture_output=True, text=True, env=env, timeout=timeout)
    report = next((l for l in p.stderr.splitlines() if any(s in l for s in SANITIZER)), None)
    return (86 if report else p.returncode), p.stdout, p.stderr


def in_every_mode(aslc, tmp, wf, env, stdin_of, extra=()):
    """Yields (mode, rc, output, stderr) for interp, jit, aot and a built executable, one run at a
    time, so that the caller checks each before the next; stdin_of(mode) is each run's input."""
    for mode in ("interp", "jit", "aot"):
        rc, o, e = run(aslc, ["run", wf, "--mode", mode, "--aws"] + list(extra), env, stdin_of(mode))
        yield mode, rc, o, e
    exe = os.path.join(tmp, "wf-exe")
    rc, o, e = run(aslc, ["build", wf, "-o", exe], env)
    if rc != 0:
        yield "built", rc, o, "aslc build failed: " + e
        return
    p = subprocess.run([exe, "--aws"] + list(extra), input=stdin_of("built"), capture_output=True, text=True,
                       env=env, timeout=120)
    yield "built", p.returncode, p.stdout, p.stderr


def write(tmp, name, doc):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


def start_moto(moto, tmp, name, auth):
    """A moto_server on a free loopback port (checking signatures after three unsigned calls when
    auth): (process, url)."""
    port = free_port()
    menv = dict(os.environ, HOME=tmp)
    if auth:
        menv["INITIAL_NO_AUTH_ACTION_COUNT"] = "3"
    server = subprocess.Popen([moto, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(tmp, name + ".log"), "w"), env=menv, start_new_session=True)
    url = "http://127.0.0.1:%d" % port
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1).read()
            break
        except Exception:
            time.sleep(0.1)
    return server, url


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aslc", required=True)
    a = ap.parse_args()
    aslc = os.path.abspath(a.aslc)
    moto = shutil.which("moto_server")
    try:
        import boto3  # noqa: F401
        import botocore  # noqa: F401
    except ImportError:
        moto = None
    if not moto:
        print("skip: moto_server or boto3 is not installed (pip install 'moto[server]==5.2.1' boto3)")
        print("0 passed, 0 failed, 1 skipped")
        return 0
    tmp = tempfile.mkdtemp(prefix="aslc-aws.")
    servers = []
    try:
        signed = start_moto(moto, tmp, "moto", True)
        servers.append(signed[0])
        plain = start_moto(moto, tmp, "moto-plain", False)
        servers.append(plain[0])
        scenario(aslc, tmp, Env(signed[1], tmp))
        function_arns(aslc, tmp, Env(plain[1], tmp))
        through_serve(aslc, tmp, Env(plain[1], tmp))
        corpus(aslc, tmp, Env(plain[1], tmp), os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                                          "..", "shared"))
    except Exception as e:  # a crash of the script is a failure, not a pass
        fail("script", repr(e))
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def scenario(aslc, tmp, env):
    import boto3
    from botocore.config import Config

    def client(name, key, secret):
        return boto3.client(name, endpoint_url=env.url, region_name="us-east-1", aws_access_key_id=key,
                            aws_secret_access_key=secret, config=Config(retries={"max_attempts": 1}))

    # The three unsigned calls moto allows: a user, its key, a policy allowing everything.
    iam = client("iam", "bootstrap", "bootstrap")
    iam.create_user(UserName="aslc")
    key = iam.create_access_key(UserName="aslc")["AccessKey"]
    iam.put_user_policy(UserName="aslc", PolicyName="all", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    kid, secret = key["AccessKeyId"], key["SecretAccessKey"]
    good = env.with_keys(kid, secret)

    ddb, sqs, sns, s3, events = (client(n, kid, secret) for n in ("dynamodb", "sqs", "sns", "s3", "events"))
    ddb.create_table(TableName="items", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    queue = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    topic = sns.create_topic(Name="news")["TopicArn"]
    s3.create_bucket(Bucket="aslc-bucket")
    s3.put_object(Bucket="aslc-bucket", Key="in/a.json", Body=b'{"n": 1}')
    s3.put_object(Bucket="aslc-bucket", Key="in/b key.txt", Body=b"bee")
    # Prefixes without '/': moto 5.2.1 checks S3 signatures over the decoded query, so a '/'
    # encoded as %2F (as AWS requires, and as boto3 sends it too) fails there for every client.

    wf = write(tmp, "wf.json", {
        "StartAt": "Put",
        "States": {
            "Put": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                    "Parameters": {"TableName": "items", "Item": {"id": {"S.$": "$.id"}, "v": {"N": "7"}}},
                    "ResultSelector": {"status.$": "$.SdkHttpMetadata.HttpStatusCode",
                                       "rid.$": "$.SdkResponseMetadata.RequestId"},
                    "ResultPath": "$.put", "Next": "Update"},
            "Update": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:updateItem",
                       "Parameters": {"TableName": "items", "Key": {"id": {"S.$": "$.id"}},
                                      "UpdateExpression": "SET v = v + :one",
                                      "ExpressionAttributeValues": {":one": {"N": "1"}}, "ReturnValues": "ALL_NEW"},
                       "ResultSelector": {"Attributes.$": "$.Attributes"}, "ResultPath": "$.update", "Next": "Get"},
            "Get": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:getItem",
                    "Parameters": {"TableName": "items", "Key": {"id": {"S.$": "$.id"}}},
                    "ResultPath": "$.get", "Next": "Conflict"},
            "Conflict": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                         "Parameters": {"TableName": "items", "Item": {"id": {"S.$": "$.id"}},
                                        "ConditionExpression": "attribute_not_exists(id)"},
                         "Catch": [{"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"],
                                    "ResultPath": "$.conflict", "Next": "Send"}],
                         "Next": "Send"},
            "Send": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                     "Parameters": {"QueueUrl": queue, "MessageBody": {"job.$": "$.id"}},
                     "ResultSelector": {"MD5OfMessageBody.$": "$.MD5OfMessageBody",
                                        "status.$": "$.SdkHttpMetadata.HttpStatusCode"},
                     "ResultPath": "$.send", "Next": "Publish"},
            "Publish": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
                        "Parameters": {"TopicArn": topic, "Message": {"hello": "world"},
                                       "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "x"}}},
                        "ResultSelector": {"MessageId.$": "$.MessageId"}, "ResultPath": "$.publish",
                        "Next": "Events"},
            "Events": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
                       "Parameters": {"Entries": [{"Detail": {"a": 1}, "DetailType": "t", "Source": "aslc.test"}]},
                       "ResultPath": "$.events", "Next": "GetObject"},
            "GetObject": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
                          "Parameters": {"Bucket": "aslc-bucket", "Key": "in/b key.txt"},
                          "ResultPath": "$.object", "Next": "PutObject"},
            "PutObject": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:putObject",
                          "Parameters": {"Bucket": "aslc-bucket", "Key.$": "States.Format('out/{}.json', $.id)",
                                         "Body": {"done": True}},
                          "ResultPath": "$.putobject", "Next": "List"},
            "List": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listObjectsV2",
                     "Parameters": {"Bucket": "aslc-bucket", "Prefix": "in"},
                     "ResultPath": "$.list", "Next": "NoKey"},
            "NoKey": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
                      "Parameters": {"Bucket": "aslc-bucket", "Key": "missing"},
                      "Catch": [{"ErrorEquals": ["S3.NoSuchKeyException"], "ResultPath": "$.nokey", "Next": "Done"}],
                      "Next": "Done"},
            "Done": {"Type": "Pass", "End": True},
        }})

    # What boto3 says about the same calls, after the workflow's.
    def expectations(item_id):
        item = ddb.get_item(TableName="items", Key={"id": {"S": item_id}})["Item"]
        msg = sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"job": item_id}, separators=(",", ":")))
        obj = s3.get_object(Bucket="aslc-bucket", Key="in/b key.txt")
        listing = s3.list_objects_v2(Bucket="aslc-bucket", Prefix="in")
        written = s3.get_object(Bucket="aslc-bucket", Key="out/%s.json" % item_id)["Body"].read()
        return item, msg, obj, listing, written

    for mode, rc, out, err in in_every_mode(aslc, tmp, wf, good, lambda m: json.dumps({"id": "id-" + m})):
        item_id = "id-" + mode
        name = "integrations_%s" % mode
        if rc != 0:
            fail(name, "exit %d: %s %s" % (rc, out, err))
        else:
            r = json.loads(out)
            item, msg, obj, listing, written = expectations(item_id)
            problems = []
            if r["put"]["status"] != 200 or not r["put"]["rid"]:
                problems.append("putItem metadata %r" % r["put"])
            if r["get"] != {"Item": item}:
                problems.append("getItem %r != boto3 %r" % (r["get"], item))
            if r["update"]["Attributes"]["v"] != {"N": "8"}:
                problems.append("updateItem %r" % r["update"])
            if r.get("conflict", {}).get("Error") != "DynamoDB.ConditionalCheckFailedException" or \
                    "Error Code: ConditionalCheckFailedException" not in r["conflict"]["Cause"]:
                problems.append("conflict %r" % r.get("conflict"))
            if r["send"] != {"MD5OfMessageBody": msg["MD5OfMessageBody"], "status": 200}:
                problems.append("sendMessage %r vs boto3 %r" % (r["send"], msg["MD5OfMessageBody"]))
            if len(r["publish"]["MessageId"]) < 8:
                problems.append("publish %r" % r["publish"])
            if r["events"].get("FailedEntryCount") != 0 or len(r["events"].get("Entries", [])) != 1:
                problems.append("putEvents %r" % r["events"])
            o = r["object"]
            if (o.get("Body"), o.get("ETag"), o.get("ContentLength"), o.get("ContentType")) != \
                    ("bee", obj["ETag"], obj["ContentLength"], obj["ContentType"]):
                problems.append("getObject %r vs boto3 %r" % (o, {k: obj[k] for k in ("ETag", "ContentLength")}))
            if json.loads(written) != {"done": True} or not r["putobject"].get("ETag"):
                problems.append("putObject %r wrote %r" % (r["putobject"], written))
            mine = [(c["Key"], c["Size"], c["ETag"]) for c in r["list"].get("Contents", [])]
            theirs = [(c["Key"], c["Size"], c["ETag"]) for c in listing["Contents"]]
            if mine != theirs or r["list"].get("KeyCount") != listing["KeyCount"] or \
                    r["list"].get("IsTruncated") is not False:
                problems.append("listObjectsV2 %r vs boto3 %r" % (mine, theirs))
            if r.get("nokey", {}).get("Error") != "S3.NoSuchKeyException":
                problems.append("missing key %r" % r.get("nokey"))
            check(name, not problems, "; ".join(problems))

    lambda_cases(aslc, tmp, env, (kid, secret), False)

    # states:startExecution: a child on moto's Step Functions, Input sent as its JSON text
    sfn = client("stepfunctions", kid, secret)
    child = sfn.create_state_machine(name="child", roleArn="arn:aws:iam::123456789012:role/r", definition=json.dumps(
        {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}))["stateMachineArn"]
    wf_start = write(tmp, "start.json", {"StartAt": "S", "States": {"S": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
        "Parameters": {"StateMachineArn": child, "Name": "from-aslc", "Input": {"k.$": "$.k"}},
        "ResultSelector": {"ExecutionArn.$": "$.ExecutionArn", "Http.$": "$.SdkHttpMetadata.HttpStatusCode"},
        "ResultPath": "$.started", "Next": "D"}, "D": {
        "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:describeExecution",
        "Parameters": {"ExecutionArn.$": "$.started.ExecutionArn"},
        "ResultSelector": {"Name.$": "$.Name", "StateMachineArn.$": "$.StateMachineArn"},
        "ResultPath": "$.described", "OutputPath": "$.started", "End": True}}})
    rc, out, err = run(aslc, ["run", wf_start, "--aws"], good, json.dumps({"k": [1, "two"]}))
    started = json.loads(out) if rc == 0 else {}  # the PascalCase names, in and out of camelCase SFN
    described = sfn.describe_execution(executionArn=started["ExecutionArn"]) if started else {}
    check("states_start_execution", rc == 0 and started.get("Http") == 200 and described.get("name") == "from-aslc"
          and json.loads(described.get("input", "null")) == {"k": [1, "two"]}, (rc, out, err))


    # aws-sdk errors, by the SDK client's name, matched by Catch
    wf_err = write(tmp, "err.json", {"StartAt": "P", "States": {"P": {
        "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:putItem",
        "Parameters": {"TableName": "no_such_table", "Item": {"id": {"S": "x"}}}, "End": True}}})
    rc, out, err = run(aslc, ["run", wf_err, "--aws"], good)
    doc = json.loads(out) if out.strip().startswith("{") else {}
    check("aws_sdk_error_is_named_by_the_client", rc == 1 and doc.get("Error") == "DynamoDb.ResourceNotFoundException"
          and "(Service: DynamoDb, Status Code: 400, Request ID: " in doc.get("Cause", ""), (rc, out, err))

    # a wrong secret: moto refuses the signature, and the secret never shows
    bad = env.with_keys(kid, "not-the-secret-" + "x" * 20)
    rc, out, err = run(aslc, ["run", wf_err, "--aws", "--trace"], bad)
    check("wrong_secret_is_refused", rc == 1 and "DynamoDb." in out and "not-the-secret" not in out + err,
          (rc, out, err))

    # no credentials anywhere: a client error saying what was tried
    rc, out, err = run(aslc, ["run", wf_err, "--aws"], env.base)
    check("no_credentials_is_a_client_error", rc == 1 and "DynamoDb.SdkClientException" in out and
          "No AWS credentials were found" in out, (rc, out, err))

    # credentials from a profile in ~/.aws (HOME is the scratch directory), endpoint from the profile
    os.makedirs(os.path.join(tmp, ".aws"), exist_ok=True)
    with open(os.path.join(tmp, ".aws", "credentials"), "w") as f:
        f.write("[test]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (kid, secret))
    with open(os.path.join(tmp, ".aws", "config"), "w") as f:
        f.write("[profile test]\nregion = us-east-1\nendpoint_url = %s\n" % env.url)
    penv = {k: v for k, v in env.base.items() if k not in ("AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION")}
    penv["AWS_PROFILE"] = "test"
    rc, out, err = run(aslc, ["run", wf_err, "--aws"], penv)
    check("profile_credentials_and_endpoint", rc == 1 and "DynamoDb.ResourceNotFoundException" in out,
          (rc, out, err))

    # secrets stay out of --trace, --history and the output
    hist = os.path.join(tmp, "history.jsonl")
    tenv = env.with_keys(kid, secret, token="SESSION-TOKEN-" + "t" * 30)
    rc, out, err = run(aslc, ["run", wf, "--aws", "--trace", "--history", hist], tenv, json.dumps({"id": "k9"}))
    with open(hist) as f:
        history = f.read()
    leaked = [s for s in (secret, "SESSION-TOKEN-", "Signature=", "AWS4-HMAC-SHA256") if s in out + err + history]
    check("secrets_never_in_trace_history_or_output", not leaked and history, (rc, leaked, err[-300:]))

    # without --aws nothing is sent
    rc, out, err = run(aslc, ["run", wf_err], good)
    check("without_aws_nothing_is_sent", rc == 1 and "No handler is bound" in out, (rc, out))

    # a service whose protocol aslc does not speak yet: a clear error naming it
    wf_ec2 = write(tmp, "ec2.json", {"StartAt": "E", "States": {"E": {
        "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:ec2:describeInstances", "Parameters": {},
        "End": True}}})
    rc, out, err = run(aslc, ["run", wf_ec2, "--aws"], good)
    check("unsupported_protocol_is_named", rc == 1 and "States.TaskFailed" in out and "'ec2'" in out and
          "ec2 protocol" in out, (rc, out))

    # any awsJson service from the table: Secrets Manager, through aws-sdk
    wf_sm = write(tmp, "sm.json", {"StartAt": "C", "States": {
        "C": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:secretsmanager:createSecret",
              "Parameters": {"Name": "s1", "SecretString": "v1"}, "ResultPath": "$.c", "Next": "G"},
        "G": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:secretsmanager:getSecretValue",
              "Parameters": {"SecretId": "s1"}, "ResultSelector": {"SecretString.$": "$.SecretString",
                                                                    "Name.$": "$.Name"}, "End": True}}})
    rc, out, err = run(aslc, ["run", wf_sm, "--aws"], good)
    sm = client("secretsmanager", kid, secret).get_secret_value(SecretId="s1") if rc == 0 else {}
    check("generic_json_service", rc == 0 and json.loads(out) == {"SecretString": sm.get("SecretString"),
                                                                  "Name": sm.get("Name")}, (rc, out, err))



def through_serve(aslc, tmp, env):
    """`aslc serve --aws`: an execution started through the API writes to DynamoDB and reads it
    back, the same item boto3 reads; without --aws the same Task fails and nothing is written."""
    import boto3
    env = env.with_keys("served", "served-secret")
    ddb = boto3.client("dynamodb", endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                       aws_access_key_id="served", aws_secret_access_key="served-secret")
    ddb.create_table(TableName="served", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    definition = json.dumps({"StartAt": "Put", "States": {
        "Put": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem", "ResultPath": None,
                "Parameters": {"TableName": "served", "Item": {"id": {"S.$": "$.id"}, "n": {"N": "7"}}}, "Next": "Get"},
        "Get": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem", "OutputPath": "$.Item",
                "Parameters": {"TableName": "served", "Key": {"id": {"S.$": "$.id"}}}, "End": True}}})

    def execute(args, item_id):
        proc = subprocess.Popen([aslc, "serve", "--port", "0"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=env, start_new_session=True)
        try:
            m = re.fullmatch(r"aslc serve: listening on (http://\S+)\n", proc.stdout.readline())
            if not m:
                return "no listening line: " + proc.stderr.read()[-300:]
            sfn = boto3.client("stepfunctions", endpoint_url=m.group(1), region_name="us-east-1",
                               aws_access_key_id="test", aws_secret_access_key="test")
            arn = sfn.create_state_machine(name="served", definition=definition,
                                           roleArn="arn:aws:iam::123456789012:role/R")["stateMachineArn"]
            ex = sfn.start_execution(stateMachineArn=arn, input=json.dumps({"id": item_id}))["executionArn"]
            for _ in range(600):
                d = sfn.describe_execution(executionArn=ex)
                if d["status"] != "RUNNING":
                    return d
                time.sleep(0.05)
            return "still running after 30 s"
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)

    d = execute(["--aws"], "via-serve")
    stored = ddb.get_item(TableName="served", Key={"id": {"S": "via-serve"}}).get("Item")
    check("serve_aws_execution_calls_the_service", isinstance(d, dict) and d["status"] == "SUCCEEDED" and
          json.loads(d["output"]) == stored and stored is not None, (d, stored))
    d = execute([], "not-sent")
    stored = ddb.get_item(TableName="served", Key={"id": {"S": "not-sent"}}).get("Item")
    check("serve_without_aws_sends_nothing", isinstance(d, dict) and d["status"] == "FAILED" and stored is None,
          (d, stored))


def lambda_function(env, kid, secret):
    """A Lambda function on moto that echoes its event (moto runs none without Docker and answers
    with the payload): (boto3 client, function ARN)."""
    import io
    import zipfile

    import boto3
    req = urllib.request.Request(env.url + "/moto-api/config", method="POST",
                                 data=json.dumps({"lambda": {"use_docker": False}}).encode(),
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=10).read()
    kw = dict(endpoint_url=env.url, region_name="us-east-1", aws_access_key_id=kid, aws_secret_access_key=secret)
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return event\n")
    role = boto3.client("iam", **kw).create_role(RoleName="fn-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lam = boto3.client("lambda", **kw)
    fn = lam.create_function(FunctionName="echo", Runtime="python3.11", Role=role, Handler="index.handler",
                             Code={"ZipFile": code.getvalue()})["FunctionArn"]
    return lam, fn


def lambda_cases(aslc, tmp, env, keys, by_arn):
    """lambda:invoke's wrapper and aws-sdk:lambda:invoke by name (signed), or lambda:invoke by ARN
    and a function ARN as the resource (by_arn: moto checks a path holding an ARN against its
    decoded form, so boto3's own signature fails there too; that server checks none)."""
    lam, fn = lambda_function(env, *keys)
    boto_payload = json.loads(lam.invoke(FunctionName="echo", Payload=json.dumps({"x": [1, 2]}))["Payload"].read())
    first = fn if by_arn else "echo"
    second = {"Type": "Task", "Resource": fn, "Parameters": {"x": [1, 2]}, "ResultPath": "$.second",
              "End": True} if by_arn else \
        {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:lambda:invoke",
         "Parameters": {"FunctionName": "echo", "Payload": {"x": [1, 2]}},
         "ResultSelector": {"Payload.$": "$.Payload"}, "ResultPath": "$.second", "End": True}
    wf = write(tmp, "lambda.json", {"StartAt": "Invoke", "States": {
        "Invoke": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                   "Parameters": {"FunctionName": first, "Payload": {"x": [1, 2]}},
                   "ResultSelector": {"Payload.$": "$.Payload", "StatusCode.$": "$.StatusCode",
                                      "Http.$": "$.SdkHttpMetadata.HttpStatusCode"},
                   "ResultPath": "$.invoke", "Next": "Second"},
        "Second": second}})
    want = {"invoke": {"Payload": boto_payload, "StatusCode": 200, "Http": 200},
            "second": boto_payload if by_arn else {"Payload": boto_payload}}
    good = env.with_keys(*keys)
    for mode, rc, out, err in in_every_mode(aslc, tmp, wf, good, lambda m: "{}"):
        check("lambda_%s_%s" % ("by_arn" if by_arn else "by_name", mode),
              rc == 0 and json.loads(out) == want, (rc, out, err, want))


def function_arns(aslc, tmp, env):
    lambda_cases(aslc, tmp, env, ("AKIDPLAIN", "plain-secret"), True)



SUPPORTED = re.compile(r"^arn:[^:]+:states:::(dynamodb:(getItem|putItem|updateItem|deleteItem)|sqs:sendMessage|"
                       r"sns:publish|events:putEvents|aws-sdk:(s3:(getObject|putObject|listObjectsV2)|dynamodb:\w+))$")


def corpus_candidates(corpus):
    """The real-world definitions whose every Task is an integration --aws speaks (no callbacks)."""
    out = []
    for name in sorted(os.listdir(corpus)):
        if not name.endswith(".json"):
            continue
        try:
            with open(os.path.join(corpus, name)) as f:
                d = json.load(f)
        except (OSError, ValueError):
            continue
        tasks = []

        def walk(o):
            if isinstance(o, dict):
                if o.get("Type") == "Task":
                    tasks.append(o)
                for v in o.values():
                    walk(v)
            elif isinstance(o, list):
                for v in o:
                    walk(v)
        walk(d)
        if tasks and all(isinstance(t.get("Resource"), str) and SUPPORTED.match(t["Resource"]) for t in tasks):
            out.append((name, d, tasks))
    return out


def replace_resources(o, names):
    """Sets every member named in names (or its ".$" form), at any depth, to the test's value."""
    if isinstance(o, dict):
        for k in list(o):
            base = k[:-2] if k.endswith(".$") else k
            if base in names:
                del o[k]
                o[base] = names[base]
            else:
                replace_resources(o[k], names)
    elif isinstance(o, list):
        for v in o:
            replace_resources(v, names)


def key_names(params):
    """The attribute names a DynamoDB request's Key or Item gives literally."""
    for field in ("Key", "Item"):
        v = params.get(field)
        if isinstance(v, dict) and v:
            return list(v)
    return ["id"]


def corpus(aslc, tmp, env, shared):
    """Real-world definitions against moto: their topics, queues, tables and buckets replaced by
    ones this test makes (their own are deployment placeholders), run with {} as input. Each must
    end as a clean success or a clean failure (an error with a cause, exit 1); the number that
    succeed is reported, and those listed in SUCCEED must be among them."""
    import boto3
    path = os.path.join(shared, "corpus", "realworld")
    if not os.path.isdir(path):
        print("skip corpus: %s not found" % path)
        return
    kw = dict(endpoint_url=env.url, region_name="us-east-1", aws_access_key_id="AKIDCORPUS",
              aws_secret_access_key="corpus-secret")
    sqs, sns, s3, ddb = (boto3.client(n, **kw) for n in ("sqs", "sns", "s3", "dynamodb"))
    queue = sqs.create_queue(QueueName="corpus")["QueueUrl"]
    topic = sns.create_topic(Name="corpus")["TopicArn"]
    s3.create_bucket(Bucket="corpus-bucket")
    s3.put_object(Bucket="corpus-bucket", Key="data.json", Body=b'{"ok": true}')
    cenv = env.with_keys("AKIDCORPUS", "corpus-secret")
    succeeded, clean, n = [], 0, 0
    for i, (name, d, tasks) in enumerate(corpus_candidates(path)):
        n += 1
        table = "corpus%d" % i
        keys = None
        for t in tasks:
            for field in ("Parameters", "Arguments"):
                p = t.get(field)
                if not isinstance(p, dict):
                    continue
                replace_resources(p, {"TopicArn": topic, "QueueUrl": queue, "TableName": table,
                                      "Bucket": "corpus-bucket", "EventBusName": "default"})
                if "dynamodb" in t["Resource"] and keys is None:
                    keys = key_names(p)
        if keys is not None:
            ddb.create_table(TableName=table, KeySchema=[{"AttributeName": keys[0], "KeyType": "HASH"}],
                             AttributeDefinitions=[{"AttributeName": keys[0], "AttributeType": "S"}],
                             BillingMode="PAY_PER_REQUEST")
        wf = write(tmp, "corpus.json", d)
        rc, out, err = run(aslc, ["run", wf, "--aws", "--no-wait"], cenv, json.dumps(INPUTS.get(name, {})))
        doc = None
        try:
            doc = json.loads(out) if out.strip() else None
        except ValueError:
            pass
        if rc == 0:
            succeeded.append(name)
            clean += 1
        elif rc in (1, 2) and (rc == 2 or isinstance(doc, dict)):  # a Fail state may give neither field
            clean += 1
            if os.environ.get("ASLC_AWS_VERBOSE"):
                print("     %s: exit %d %s" % (name, rc, (out + err)[:220].replace("\n", " ")))
        else:
            fail("corpus_%s" % name, "exit %d: %s %s" % (rc, out[:200], err[:300]))
    check("corpus_runs_end_cleanly", clean == n and n > 0, "%d of %d ended cleanly" % (clean, n))
    missing = [s for s in SUCCEED if s not in succeeded]
    check("corpus_listed_definitions_succeed", not missing, "did not succeed: %s" % missing)
    print("corpus: %d of %d real-world definitions using only DynamoDB, SQS, SNS, S3 and EventBridge "
          "succeeded against moto: %s" % (len(succeeded), n, " ".join(succeeded)))


# Inputs of the shape the definitions read (their own events are not in the corpus).
INPUTS = {
    "aws-step-functions-developer-guide__doc_source_connect-sns__codeblock0.asl.json": {"input": {"message": "hi"}},
    "aws-step-functions-developer-guide__doc_source_connect-sqs__codeblock0.asl.json": {"input": {"message": "hi"}},
    "aws-step-functions-developer-guide__doc_source_synchronous-execution__codeblock0.asl.json": {"employee": "e1"},
    "aws-step-functions-twitch-series__service-integrations_statemachine_service-integrations.asl.json":
        {"Channel": "aslc"},
    "aws-step-functions-waitable-pattern__statemachine_waitable-stepfunction.asl.json":
        {"Id": "w1", "StartTimestamp": "2024-01-01T00:00:00Z"},
    "serverless-patterns__apigw-rest-stepfunction_statemachine_waitable-stepfunction.asl.json":
        {"Id": "w1", "StartTimestamp": "2024-01-01T00:00:00Z"},
    "serverless-patterns__sfn-sns_statemachine_stateMachine.asl.json": {"message": "hi"},
    "sfn-workflows-collection__request-response_statemachine_statemachine.asl.json":
        {"timer_seconds": 1, "message": "hi"},
    "sfn-workflows-collection__request-response-cdk_python_statemachine_statemachine.asl.json":
        {"timer_seconds": 1, "message": "hi"},
    "sfn-workflows-collection__request-response-cdk_typescript_statemachine_statemachine.asl.json":
        {"timer_seconds": 1, "message": "hi"},
    "sfn-workflows-collection__dynamic-rest-api_statemachine_statemachine.asl.json":
        {"httpMethod": "GET", "path": {"book_id": "b1"}, "querystring": {"book_id": "b1"},
         "body": {"author": "a", "book_id": "b1"}},
    "sfn-workflows-collection__sagemaker-pipeline-notifications-cdk_python_statemachine_statemachine.asl.json":
        {"detail": {"pipelineArn": "arn:aws:sagemaker:us-east-1:123456789012:pipeline/p",
                    "pipelineExecutionArn": "arn:aws:sagemaker:us-east-1:123456789012:pipeline/p/execution/e",
                    "currentPipelineExecutionStatus": "Failed"}},
}

# Real-world definitions that succeed end to end against moto with {} as input (the others need
# inputs of their own, Lambda functions or callbacks). Filled from a run; a regression drops one.
SUCCEED = [
    "aws-step-functions-developer-guide__doc_source_connect-sns__codeblock0.asl.json",
    "aws-step-functions-developer-guide__doc_source_sample-eventbridge-custom-event__codeblock0.asl.json",
    "aws-step-functions-developer-guide__doc_source_tutorial-code-snippet__codeblock1.asl.json",
    "aws-step-functions-twitch-series__service-integrations_statemachine_service-integrations.asl.json",
    "aws-step-functions-waitable-pattern__statemachine_waitable-stepfunction.asl.json",
    "serverless-patterns__apigw-rest-stepfunction_statemachine_waitable-stepfunction.asl.json",
    "serverless-patterns__sfn-sns-tf_main__heredoc0.asl.json",
    "serverless-patterns__sfn-sns_statemachine_stateMachine.asl.json",
    "sfn-workflows-collection__dynamic-rest-api_statemachine_statemachine.asl.json",
    "sfn-workflows-collection__eventbridge-custom-cdk_statemachine_statemachine.asl.json",
    "sfn-workflows-collection__eventbridge-custom-sam_statemachine_statemachine.asl.json",
    "sfn-workflows-collection__request-response-cdk_python_statemachine_statemachine.asl.json",
    "sfn-workflows-collection__request-response-cdk_typescript_statemachine_statemachine.asl.json",
    "sfn-workflows-collection__request-response_statemachine_statemachine.asl.json",
    "sfn-workflows-collection__s3-bucket-nested-distributed-map_statemachine_statemachine.asl.json",
]


if __name__ == "__main__":
    sys.exit(main())
