# syntax=docker/dockerfile:1
# MpEventRelay container: multi-stage build, runs as a non-root user.
# Configuration: mount a file at /app/appsettings.json (see appsettings.example.json) and/or pass environment
# variables such as Relay__Accounts__main__Token. The image holds no account, no cluster and no secret: what runs is
# what the operator wrote. Pushes on 8080 (ASPNETCORE_HTTP_PORTS); health, metrics, admin and the console on 8081
# (Relay__Management__Url): publish only 8080 to WeChat. `mprelay` is in the image:
#   docker run --rm --entrypoint mprelay -v $PWD/appsettings.json:/app/appsettings.json mprelay check-config --file /app/appsettings.json
# The build context is trimmed by .dockerignore to Directory.*.props and src/ (no bin/ or obj/ from the host).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
# Restore first, from the project files only, so the layer is reused while only code changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/MpEventRelay.Protocol/MpEventRelay.Protocol.csproj src/MpEventRelay.Protocol/
COPY src/MpEventRelay.Simulation/MpEventRelay.Simulation.csproj src/MpEventRelay.Simulation/
COPY src/MpEventRelay/MpEventRelay.csproj src/MpEventRelay/
COPY src/MpEventRelay.Cli/MpEventRelay.Cli.csproj src/MpEventRelay.Cli/
# The relay for the architecture the image is built for (--use-current-runtime), ReadyToRun: its code and its
# libraries' precompiled, so a replica spends neither its first minute nor a steady share of its CPU in the JIT
# (2–13 % less CPU a push than the JIT-compiled relay in four side-by-side load runs: docs/performance.md).
RUN dotnet restore src/MpEventRelay.Cli/MpEventRelay.Cli.csproj && dotnet restore --use-current-runtime src/MpEventRelay/MpEventRelay.csproj
COPY src/ src/
RUN dotnet publish src/MpEventRelay/MpEventRelay.csproj -c Release --no-restore --use-current-runtime --self-contained false -p:PublishReadyToRun=true -o /app /p:UseAppHost=false
RUN dotnet publish src/MpEventRelay.Cli/MpEventRelay.Cli.csproj -c Release --no-restore -o /app/cli /p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
RUN printf '#!/bin/sh\nexec dotnet /app/cli/mprelay.dll "$@"\n' > /usr/local/bin/mprelay && chmod 755 /usr/local/bin/mprelay
# The SQLite outbox and trail (Relay:Storage:SqlitePath, default data/outbox.db) must outlive the container: mount a
# volume here. The relay runs as the image's user "app", UID 1654: a bind-mounted directory must be writable by it
# (chown 1654 ./data on the host).
RUN mkdir -p /app/data && chown app:app /app/data
VOLUME ["/app/data"]
# One port setting for pushes (the image's own ASPNETCORE_HTTP_PORTS; setting ASPNETCORE_URLS as well would make
# ASP.NET Core warn that one overrides the other at every start).
ENV ASPNETCORE_HTTP_PORTS=8080 \
    Relay__Management__Url=http://+:8081 \
    DOTNET_RUNNING_IN_CONTAINER=true
USER app
EXPOSE 8080 8081
# Liveness, not readiness: a Redis outage (which the relay survives) must not get a serving container killed.
# /health/ready stays for load balancers. The runtime image has no curl: bash's /dev/tcp is enough.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8081 && printf 'GET /health/live HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "MpEventRelay.dll"]
