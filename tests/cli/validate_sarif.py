#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Validate a JSON (SARIF) file against a JSON schema: validate_sarif.py SCHEMA FILE.
#
# Exit status: 0 when FILE is valid, 1 when it is not (every schema error is
# printed to stderr as "validate_sarif: FILE: <json path>: <message>"; a FILE
# that is not JSON at all is reported the same way with the path "$"), 2 on a
# usage error or when SCHEMA or FILE cannot be read or SCHEMA is not a valid
# schema.  The validator class follows the schema's "$schema" keyword
# (jsonschema.validators.validator_for); formats are checked where the
# installed jsonschema can check them.

import json
import sys

PROG = "validate_sarif"


def die(msg, status=2):
    sys.stderr.write("%s: %s\n" % (PROG, msg))
    sys.exit(status)


def one_line(text):
    return " ".join(str(text).split())


def json_path(error):
    path = getattr(error, "json_path", None)
    if path is not None:
        return path
    out = "$"
    for part in error.absolute_path:
        if isinstance(part, int):
            out += "[%d]" % part
        else:
            out += "." + str(part)
    return out


def read_text(path):
    try:
        with open(path, "r", encoding="utf-8") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        die("%s: cannot read: %s" % (path, one_line(exc)))


def main(argv):
    if len(argv) != 3 or argv[1] in ("-h", "--help"):
        die("usage: validate_sarif.py SCHEMA FILE")

    try:
        import jsonschema
        from jsonschema.validators import validator_for
    except ImportError as exc:
        die("cannot import jsonschema: %s" % one_line(exc))

    schema_path, file_path = argv[1], argv[2]

    try:
        schema = json.loads(read_text(schema_path))
    except ValueError as exc:
        die("%s: schema is not valid JSON: %s" % (schema_path, one_line(exc)))

    cls = validator_for(schema)
    try:
        cls.check_schema(schema)
    except jsonschema.exceptions.SchemaError as exc:
        die("%s: invalid schema: %s" % (schema_path, one_line(exc.message)))

    text = read_text(file_path)
    try:
        instance = json.loads(text)
    except ValueError as exc:
        sys.stderr.write("%s: %s: $: not valid JSON: %s\n"
                         % (PROG, file_path, one_line(exc)))
        return 1

    format_checker = getattr(cls, "FORMAT_CHECKER", None)
    if format_checker is None:
        format_checker = jsonschema.FormatChecker()
    validator = cls(schema, format_checker=format_checker)

    errors = sorted(validator.iter_errors(instance),
                    key=lambda e: (json_path(e), e.message))
    for error in errors:
        sys.stderr.write("%s: %s: %s: %s\n"
                         % (PROG, file_path, json_path(error),
                            one_line(error.message)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
