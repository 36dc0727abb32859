/* aws_xml.h — the XML that S3 and the query protocol answer with, as JSON:
   enough of XML for AWS's responses (elements and text; attributes,
   comments and declarations skipped). Internal. */
#ifndef ASLRT_AWS_XML_H
#define ASLRT_AWS_XML_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* The root element's content: an element holding only text is a string,
   one holding elements an object; an element name repeated among its
   siblings, or listed in `lists` (NULL-terminated), is an array of them.
   NULL when xml is not well formed. */
cJSON *aslrt_aws_xml_parse(const char *xml, size_t n, const char *const *lists);

#endif
