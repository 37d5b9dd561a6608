# A real Python image without debugpy, for the debugpy-missing path of Debug as Component: Debian's
# own python3 (as `python`, the command runs use) on the test environment's Debian base. Nothing
# else: no pip packages, so `import debugpy` fails as it would in a user's slim image.
ARG BASE
FROM ${BASE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 python-is-python3 \
 && rm -rf /var/lib/apt/lists/*
