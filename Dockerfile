# syntax=docker/dockerfile:1
# MpEventRelay container: multi-stage build, runs as a non-root user.
# Configuration: mount a file at /app/appsettings.json (see appsettings.example.json) and/or pass environment
# variables such as Relay__Accounts__main__Token. The image holds no account, no cluster and no secret: what runs is
# what the operator wrote. Pushes on 8080; health, metrics and admin on 8081 (publish only 8080 to WeChat).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
# Restore first, from the project files only, so the layer is reused while only code changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/MpEventRelay.Protocol/MpEventRelay.Protocol.csproj src/MpEventRelay.Protocol/
COPY src/MpEventRelay/MpEventRelay.csproj src/MpEventRelay/
RUN dotnet restore src/MpEventRelay/MpEventRelay.csproj
COPY src/ src/
RUN dotnet publish src/MpEventRelay/MpEventRelay.csproj -c Release --no-restore -o /app /p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The SQLite outbox (Relay:Storage:SqlitePath, default data/outbox.db) must outlive the container: mount a volume here.
RUN mkdir -p /app/data && chown app:app /app/data
VOLUME ["/app/data"]
ENV ASPNETCORE_URLS=http://+:8080 \
    Relay__Management__Url=http://+:8081 \
    DOTNET_RUNNING_IN_CONTAINER=true
# The .NET images ship a non-root user "app" (UID 1654).
USER app
EXPOSE 8080 8081
# Liveness, not readiness: a Redis outage (which the relay survives) must not get a serving container killed.
# /health/ready stays for load balancers. The runtime image has no curl: bash's /dev/tcp is enough.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8081 && printf 'GET /health/live HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "MpEventRelay.dll"]
