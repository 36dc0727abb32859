/* profile.h — the AWS shared config and credentials files (~/.aws/config,
   ~/.aws/credentials), read as the SDKs read them. Internal. */
#ifndef ASLRT_AWS_PROFILE_H
#define ASLRT_AWS_PROFILE_H

/* The profile in use: $AWS_PROFILE, else "default" (malloc'd). */
char *aslrt_aws_profile_name(void);

/* The value of `key` in profile `profile` of the config file
   ($AWS_CONFIG_FILE, else ~/.aws/config: section [profile NAME], or
   [default]) or, with credentials_file set, of the credentials file
   ($AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials: section [NAME]);
   malloc'd, or NULL when the file, section or key is missing. */
char *aslrt_aws_profile_get(int credentials_file, const char *profile, const char *key);

/* A service's own setting in the config file: profile's `services = NAME`
   names a [services NAME] section, where "dynamodb =" opens the indented
   settings of DynamoDB ("endpoint_url = ..."). service is the service id
   lower-snake-cased ("dynamodb", "elastic_load_balancing"). Malloc'd or NULL. */
char *aslrt_aws_profile_service_get(const char *profile, const char *service, const char *key);

#endif
