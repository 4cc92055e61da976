"""The benchmarks behind the README's figures, apart from the test suite: pytest does not
collect this folder (tests/conftest.py). Run each as ``python -m tests.bench.<name>``, or
all of them with ``make bench``."""
