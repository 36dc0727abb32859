/* aws_task.h — Tasks carried out by the AWS services themselves (run option
   --aws): the optimized integrations (lambda:invoke and Lambda function
   ARNs, dynamodb, sqs, sns, events) and aws-sdk:<service>:<action>.
   Internal. */
#ifndef ASLRT_AWS_TASK_H
#define ASLRT_AWS_TASK_H

#include <cjson/cJSON.h>

#include "task.h"

/* Is resource one --aws sends to AWS: arn:<partition>:states:::<...> or a
   Lambda function's ARN? (Those it cannot speak yet fail with an error
   that says so.) */
int aslrt_aws_claims(const char *resource);

/* Carries out Task t with its effective parameters: 0 with *result, or -1
   with t's error. A .waitForTaskToken resource then waits for its callback
   through the embedding host. */
int aslrt_aws_task(aslrt_task *t, const cJSON *params, cJSON **result);

#endif
