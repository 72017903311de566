#!/usr/bin/env python3
"""Prints each failed test case in the JUnit XML files given, a line each:
FILE: CLASS.NAME: MESSAGE. CI's log is long and a reader may see only its tail: this
names what failed there. XCTest's XML says only "failure"; its reason is in the log.
Usage: python3 ci/junit-failures.py FILE.xml ...  (exit 0; 1 if a file cannot be read)
"""
import os
import sys
import xml.etree.ElementTree as ElementTree


def failures(path):
    for case in ElementTree.parse(path).iter("testcase"):
        for problem in list(case.iter("failure")) + list(case.iter("error")):
            message = " ".join((problem.get("message") or problem.text or "").split())
            yield f"{case.get('classname', '?')}.{case.get('name', '?')}: {message[:300]}"


def main(paths):
    status = 0
    for path in paths:
        try:
            for line in failures(path):
                print(f"{os.path.basename(path)}: {line}")
        except (OSError, ElementTree.ParseError) as error:
            print(f"{path}: unreadable ({error})")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
