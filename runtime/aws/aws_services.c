/* aws_services.c — the service table, searched by name (it is sorted). */
#include <string.h>

#include "aws_services.h"

static const aslrt_aws_service services[] = {
#define ASLRT_AWS_SERVICE(name, id, client, prefix, signing, protocol, target, version, camel) \
    {name, id, client, prefix, signing, ASLRT_AWS_##protocol, target, version, camel},
#include "aws_services.def"
#undef ASLRT_AWS_SERVICE
};

const aslrt_aws_service *aslrt_aws_service_find(const char *name, size_t n)
{
    size_t lo = 0, hi = sizeof services / sizeof services[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strncmp(services[mid].name, name, n);
        if (c == 0 && services[mid].name[n] != '\0')
            c = 1;
        if (c == 0)
            return &services[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *aslrt_aws_protocol_name(aslrt_aws_protocol p)
{
    static const char *const names[] = {"json (1.0)", "json (1.1)", "rest-json", "rest-xml", "query", "ec2",
                                        "smithy-rpc-v2-cbor"};
    return names[p];
}
