#!/bin/bash
# Entry point of the ml-pipelines image.
#
# Spark's Kubernetes backend runs the image it is given with one of two first arguments and
# describes the rest in environment variables:
#   driver <spark-submit arguments>   the driver pod: submit again in client mode, inside the pod,
#                                     bound to the pod's address so executors can call back;
#   executor                          an executor pod: start Spark's Kubernetes executor backend
#                                     with the JVM options and identity the driver put in its env.
# Any other command (python, papermill, bash, …) runs unchanged.
set -euo pipefail

case "${1:-}" in
  driver)
    shift
    exec "$SPARK_HOME/bin/spark-submit" \
      --conf "spark.driver.bindAddress=${SPARK_DRIVER_BIND_ADDRESS}" \
      --conf "spark.executorEnv.SPARK_DRIVER_POD_IP=${SPARK_DRIVER_BIND_ADDRESS}" \
      --deploy-mode client \
      "$@"
    ;;
  executor)
    shift
    # The driver passes the executor's JVM options as SPARK_JAVA_OPT_0, SPARK_JAVA_OPT_1, … in order.
    java_opts=()
    for ((i = 0; ; i++)); do
      name="SPARK_JAVA_OPT_$i"
      [ -n "${!name+set}" ] || break
      java_opts+=("${!name}")
    done
    exec java \
      -Xms"${SPARK_EXECUTOR_MEMORY}" -Xmx"${SPARK_EXECUTOR_MEMORY}" \
      "${java_opts[@]}" \
      -cp "${SPARK_HOME}/jars/*${SPARK_CLASSPATH:+:$SPARK_CLASSPATH}" \
      org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend \
      --driver-url "${SPARK_DRIVER_URL}" \
      --executor-id "${SPARK_EXECUTOR_ID}" \
      --cores "${SPARK_EXECUTOR_CORES}" \
      --app-id "${SPARK_APPLICATION_ID}" \
      --hostname "${SPARK_EXECUTOR_POD_IP}" \
      --resourceProfileId "${SPARK_RESOURCE_PROFILE_ID}" \
      --podName "${SPARK_EXECUTOR_POD_NAME}"
    ;;
  *)
    exec "$@"
    ;;
esac
