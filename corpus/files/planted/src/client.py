import os

OPENAI_KEY = "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"


def main():
    print(os.environ.get("HOME"))
