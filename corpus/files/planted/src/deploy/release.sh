#!/bin/sh
set -eu
# push the release
curl -H "PRIVATE-TOKEN: glpat-0dRnXnMja4LUsA8aijOX" https://gitlab.internal/api/v4/projects
export GITHUB_TOKEN=ghp_dHu4xGAoZYX7j3sDOvWGp4fMeRXtm1ChHO4p
