"""Run the unit tests and write a JUnit XML report (standard library only, so any image runs it).

Usage: python3 run_tests.py <report.xml>. Exits 1 when a test fails.
"""

import sys
import unittest
from xml.etree import ElementTree as ET


def tests(suite):
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            yield from tests(test)
        else:
            yield test


root = ET.Element("testsuite", name="unit")
failed = 0
for test in tests(unittest.defaultTestLoader.discover(".", pattern="test_*.py")):
    result = unittest.TestResult()
    test.run(result)
    case = ET.SubElement(root, "testcase", classname=type(test).__name__,
                         name=test._testMethodName, time="0.001")
    for kind, items in (("failure", result.failures), ("error", result.errors)):
        for _, trace in items:
            lines = trace.strip().splitlines()
            message = next((x for x in lines if x.startswith("AssertionError")), lines[-1])
            ET.SubElement(case, kind, message=message)
            failed += 1
    for _, reason in result.skipped:
        ET.SubElement(case, "skipped", message=reason)
    outcome = {"failure": "FAILED", "error": "ERROR", "skipped": "SKIPPED"}
    print(f"{test._testMethodName}: {outcome[case[0].tag] if len(case) else 'ok'}")
ET.ElementTree(root).write(sys.argv[1])
sys.exit(1 if failed else 0)
