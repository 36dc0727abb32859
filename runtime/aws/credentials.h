/* credentials.h — AWS credentials, found as the SDKs and the CLI find them,
   cached, and fetched again before they expire. Internal. */
#ifndef ASLRT_AWS_CREDENTIALS_H
#define ASLRT_AWS_CREDENTIALS_H

/* One set of credentials; the strings are malloc'd (aslrt_aws_creds_clear
   wipes and frees them). */
typedef struct aslrt_aws_creds {
    char *access_key_id;
    char *secret_access_key;
    char *session_token; /* NULL: none */
    double expiration;   /* seconds since the epoch; 0: never */
    const char *source;  /* where they came from, for messages: "environment", ... */
} aslrt_aws_creds;

/* The credentials to sign with now, copied into *c: 0, or -1 with *why a
   malloc'd sentence saying what was tried. In the SDKs' order: the
   environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN);
   the profile (AWS_PROFILE) in the credentials file, then its
   credential_process, then its keys in the config file; the container's
   (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI, with
   AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]); the instance's (IMDSv2,
   unless AWS_EC2_METADATA_DISABLED=true; AWS_EC2_METADATA_SERVICE_ENDPOINT
   moves it). Thread-safe; credentials that expire are fetched again five
   minutes before they do. */
int aslrt_aws_credentials_get(aslrt_aws_creds *c, char **why);
void aslrt_aws_creds_clear(aslrt_aws_creds *c);
/* Forgets the cached credentials (tests change the environment). */
void aslrt_aws_credentials_forget(void);

/* The region: AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`;
   malloc'd, or NULL when none is configured. */
char *aslrt_aws_region(void);

#endif
