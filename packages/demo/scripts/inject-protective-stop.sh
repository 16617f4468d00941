#!/bin/sh
# medkit demo, managed script: a person steps into the robot's path (calls the scenario's
# /demo/trigger_person service over ROS on the demo's domain, from ROS_DOMAIN_ID).
# The launcher copies this file into the gateway's scripts_dir and fills in @DEMO_DIST@.
echo "MEDKIT_PROGRESS 10 calling /demo/trigger_person on ROS domain ${ROS_DOMAIN_ID:-0}"
exec node "@DEMO_DIST@/trigger-person.js"
