# The one image every component of the chart runs (the container args pick the component).
# Not built in CI here (no container engine on these machines); kept small and non-root.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml ./
COPY protos ./protos
COPY shared ./shared
COPY services ./services
COPY gateway ./gateway
RUN pip install --no-cache-dir . && useradd --uid 10001 --no-create-home servicehall
USER 10001
CMD ["python", "-m", "gateway"]
