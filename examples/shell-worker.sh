#!/bin/sh
# A presque worker in shell: run it with `presque work --queue emails -- sh examples/shell-worker.sh`.
# The payload arrives on stdin; exit 0 acks the job, any other exit retries it (stderr is the error).
payload=$(cat)
echo "job $PRESQUE_JOB_ID of $PRESQUE_QUEUE, attempt $PRESQUE_JOB_ATTEMPT: $payload"
