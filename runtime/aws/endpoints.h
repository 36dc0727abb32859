/* endpoints.h — where a service's requests go: the endpoint overrides the
   SDKs honour (how people point at local emulators), else AWS's own
   regional address. Internal. */
#ifndef ASLRT_AWS_ENDPOINTS_H
#define ASLRT_AWS_ENDPOINTS_H

/* The base URL (no trailing '/') of the service whose service id is
   service_id ("DynamoDB", "SFN") and endpoint prefix endpoint_prefix
   ("dynamodb", "states") in region, in the SDKs' order:
   AWS_ENDPOINT_URL_<SERVICE_ID> (upper-snake-cased), the profile's
   [services] setting endpoint_url, AWS_ENDPOINT_URL, the profile's
   endpoint_url (none of these when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is
   true), else https://<prefix>.<region>.amazonaws.com (.com.cn in China).
   Malloc'd. */
char *aslrt_aws_endpoint(const char *service_id, const char *endpoint_prefix, const char *region);

/* The variable that moves one service: "AWS_ENDPOINT_URL_" + the service
   id with spaces and hyphens as '_', upper-cased. Malloc'd. */
char *aslrt_aws_endpoint_env_name(const char *service_id);

#endif
