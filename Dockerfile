# wirewatch worker / web image (production shape; issue 08 hardens it further).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY pipeline ./pipeline
RUN python pipeline/_vendor.py && pip install . && useradd --create-home --uid 10001 wirewatch
USER wirewatch
ENV WIREWATCH_WEB_HOST=0.0.0.0 WIREWATCH_DATA_DIR=/home/wirewatch/data
EXPOSE 6066
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s \
  CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:6066/health', timeout=2)" || exit 1
ENTRYPOINT ["wirewatch"]
CMD ["worker"]
