/* aws_services.h — the facts about each AWS service that calling it needs
   (aws_services.def, generated from botocore's models). Internal. */
#ifndef ASLRT_AWS_SERVICES_H
#define ASLRT_AWS_SERVICES_H

#include <stddef.h>

typedef enum aslrt_aws_protocol {
    ASLRT_AWS_JSON10,
    ASLRT_AWS_JSON11,
    ASLRT_AWS_REST_JSON,
    ASLRT_AWS_REST_XML,
    ASLRT_AWS_QUERY,
    ASLRT_AWS_EC2,
    ASLRT_AWS_CBOR
} aslrt_aws_protocol;

typedef struct aslrt_aws_service {
    const char *name;            /* as in aws-sdk:<name>:<action> */
    const char *service_id;      /* the SDKs' id: AWS_ENDPOINT_URL_<ID> */
    const char *client;          /* prefix of aws-sdk errors: "DynamoDb" */
    const char *endpoint_prefix; /* <prefix>.<region>.amazonaws.com */
    const char *signing_name;    /* SigV4's service */
    aslrt_aws_protocol protocol;
    const char *target_prefix;   /* X-Amz-Target: <prefix>.<Operation> (JSON protocols) */
    const char *api_version;
    int camel;                   /* members are camelCase on the wire, PascalCase in Step Functions */
} aslrt_aws_service;

/* The service named `name` (n bytes), or NULL. */
const aslrt_aws_service *aslrt_aws_service_find(const char *name, size_t n);
/* The protocol's name as botocore writes it ("rest-xml"). */
const char *aslrt_aws_protocol_name(aslrt_aws_protocol p);

#endif
