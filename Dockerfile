# One image for every kuberelay component: the chart runs it with `operator`, `gateway` or
# `webhook` as the first argument. Build with `docker build .` or `podman build .`; `make image`
# builds the same file on a locally made base where no registry is reachable (see image/).
#
# A private registry or a TLS-intercepting proxy: pass an npmrc as a build secret, e.g.
#   docker build --secret id=npmrc,src=$HOME/.npmrc .
ARG BASE=node:24-bookworm-slim

# Production dependencies only. No package here needs an install script. Type declarations and
# source maps are never loaded at runtime (a third of @kubernetes/client-node): dropped.
FROM ${BASE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund && \
    find node_modules -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \) -delete

# The compiler and the sources: `npm run build` (tsc -p tsconfig.build.json) writes dist/.
FROM ${BASE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc \
    npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY cli cli
COPY common common
COPY operator operator
COPY gateway gateway
COPY webhook webhook
COPY e2e/mock-provider e2e/mock-provider
RUN npm run build

FROM ${BASE}
# uid/gid 65532, as the chart's securityContext (runAsUser/runAsGroup) sets them; a passwd entry
# so that the user has a name and a home that is not writable (the root filesystem is read-only).
RUN grep -q '^[^:]*:[^:]*:65532:' /etc/passwd || \
    { echo 'nonroot:x:65532:65532:nonroot:/nonexistent:/usr/sbin/nologin' >> /etc/passwd && \
      echo 'nonroot:x:65532:' >> /etc/group; }
ENV NODE_ENV=production
WORKDIR /app
# package.json carries "type": "module", which dist/ needs. Everything is owned by root: the
# process cannot change its own code.
COPY package.json ./
COPY --from=deps /app/node_modules node_modules
COPY --from=build /src/dist dist
USER 65532:65532
# node itself, not npm: npm would write logs and a cache under $HOME at runtime.
# --max-semi-space-size=8 (MiB): V8 sizes the young generation by the machine's memory, to tens
# of MiB per semi-space here. A gateway at 1,000 req/s then held 295 MiB RSS with 11 ms
# scavenges; with 8 MiB, 178 MiB and 1.5 ms, for the same total GC time (npm run bench:soak
# runs the gateway with these flags, read from this line).
ENTRYPOINT ["node", "--max-semi-space-size=8", "/app/dist/cli/main.js"]
CMD ["--help"]
