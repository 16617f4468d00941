#!/bin/sh
# medkit demo, managed script: a person steps into the robot's path (calls the scenario's
# /demo/trigger_person service over ROS on the demo's domain, from ROS_DOMAIN_ID).
# The launcher copies this file into the gateway's scripts_dir and fills in @DEMO_DIST@ (and, with
# --secure, the ROS_SECURITY_* variables of the script's own SROS2 enclave on the next line).
# @ROS_SECURITY_ENV@
echo "MEDKIT_PROGRESS 10 calling /demo/trigger_person on ROS domain ${ROS_DOMAIN_ID:-0}"
exec node "@DEMO_DIST@/trigger-person.js"
