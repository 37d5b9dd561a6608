#!/bin/sh
# tini reaps the spark-submit JVMs the operator starts; every argument goes to the operator.
exec /usr/bin/tini -s -- /usr/bin/spark-operator "$@"
