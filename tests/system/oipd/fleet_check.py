#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""Structural check of the Kubernetes manifests in docs/fleet/ (no cluster here).

Core kinds (Namespace, DaemonSet, ConfigMap, Service) go through the official
Kubernetes Python client's models (Debian's python3-kubernetes): required
fields must be present, and a document must serialize back to itself, so a
misspelled or misplaced field fails. The InferenceService (a KServe CRD,
no schema here) has its containers and volumes checked as core objects and
its other fields against the few KServe defines. Then the references between
the files: selectors, volume mounts, probe ports, the device-plugin resource,
the Service's target port, the Prometheus relabelling, and every qnn-oipd and
qnnd command line parsed by the real binaries (and qnnd's ConfigMap loaded
by `qnnd --check-config`).
usage: fleet_check.py DOCS_DIR BIN_DIR MODEL
"""
import glob
import os
import subprocess
import sys
import tempfile

import yaml
from kubernetes import client

failures = 0


def ok(msg):
    print(f"  ok   {msg}")


def bad(msg):
    global failures
    failures += 1
    print(f"  FAIL {msg}")


api = client.ApiClient()


def strip_none(x):
    if isinstance(x, dict):
        return {k: strip_none(v) for k, v in x.items() if v is not None}
    if isinstance(x, list):
        return [strip_none(v) for v in x]
    return x


def as_model(obj, model, where):
    """Deserialize into a client model; it must round-trip to the same document."""
    try:
        m = api._ApiClient__deserialize(obj, model)
    except (ValueError, TypeError) as e:
        bad(f"{where}: not a valid {model}: {e}")
        return None
    back = strip_none(api.sanitize_for_serialization(m))
    if back != strip_none(obj):
        diff = sorted(set(_paths(obj)) - set(_paths(back)))
        bad(f"{where}: fields {model} does not have: {diff[:5]}")
        return None
    return m


def _paths(x, pre=""):
    if isinstance(x, dict):
        for k, v in x.items():
            yield from _paths(v, f"{pre}.{k}")
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from _paths(v, f"{pre}[{i}]")
    else:
        yield f"{pre}={x}"


def check_pod(spec, where, resource_names):
    vols = {v["name"] for v in spec.get("volumes", [])}
    for c in spec["containers"]:
        cw = f"{where} container {c.get('name')}"
        ports = {p.get("name") for p in c.get("ports", []) if p.get("name")}
        numbers = {p["containerPort"] for p in c.get("ports", [])}
        for m in c.get("volumeMounts", []):
            if m["name"] not in vols:
                bad(f"{cw}: mounts volume {m['name']} that the pod does not have")
        for probe in ("livenessProbe", "readinessProbe"):
            port = c.get(probe, {}).get("httpGet", {}).get("port")
            if port is not None and port not in ports and port not in numbers:
                bad(f"{cw}: {probe} port {port} is not a port of the container")
        for r in c.get("resources", {}).get("limits", {}):
            if "/" in r and r not in resource_names:
                bad(f"{cw}: resource {r} is advertised by no device plugin")
    ok(f"{where}: volume mounts, probe ports, device resources consistent")


def run_args(cmd, where, extra=()):
    """The real binary parses the manifest's command line (then --help / a check)."""
    r = subprocess.run(list(cmd) + list(extra), capture_output=True, text=True, timeout=60)
    if r.returncode == 0:
        ok(f"{where}: {os.path.basename(cmd[0])} accepts {' '.join(cmd[1:])}")
    else:
        bad(f"{where}: {' '.join(cmd)}: exit {r.returncode}: {r.stderr.strip()[:300]}")


def main():
    docs_dir, bin_dir, model = sys.argv[1:4]
    docs = []
    for path in sorted(glob.glob(os.path.join(docs_dir, "*.yaml"))):
        for d in yaml.safe_load_all(open(path)):
            if d:
                docs.append((os.path.basename(path), d))
    by_kind = {}
    for f, d in docs:
        where = f"{f}: {d.get('kind')}/{d.get('metadata', {}).get('name')}"
        if not d.get("apiVersion") or not d.get("kind") or not d.get("metadata", {}).get("name"):
            bad(f"{where}: apiVersion, kind and metadata.name are required")
            continue
        if d["kind"] != "Namespace" and d["metadata"].get("namespace") != "qnn":
            bad(f"{where}: not in namespace qnn")
        by_kind.setdefault(d["kind"], []).append((where, d))
        model_name = {"Namespace": "V1Namespace", "DaemonSet": "V1DaemonSet",
                      "ConfigMap": "V1ConfigMap", "Service": "V1Service"}.get(d["kind"])
        if model_name:
            if as_model(d, model_name, where):
                ok(f"{where}: a valid {model_name} (python3-kubernetes models, round trip)")
        elif d["kind"] == "InferenceService":
            if d["apiVersion"] != "serving.kserve.io/v1beta1":
                bad(f"{where}: apiVersion {d['apiVersion']}")
            pred = d["spec"]["predictor"]
            known = {"minReplicas", "maxReplicas", "nodeSelector", "containers", "volumes",
                     "serviceAccountName", "tolerations", "affinity"}
            if set(pred) - known:
                bad(f"{where}: predictor fields KServe does not have: {set(pred) - known}")
            good = all(as_model(c, "V1Container", f"{where} container") for c in pred["containers"])
            good &= all(as_model(v, "V1Volume", f"{where} volume") for v in pred.get("volumes", []))
            if pred["containers"][0]["name"] != "kserve-container":
                bad(f"{where}: the first container must be kserve-container")
            if good:
                ok(f"{where}: predictor containers and volumes are valid core objects")
        else:
            bad(f"{where}: unexpected kind")

    # The device plugin's resource: squat.ai/<name> for its --device name.
    resources = set()
    for where, d in by_kind.get("DaemonSet", []):
        for c in d["spec"]["template"]["spec"]["containers"]:
            args = c.get("args", [])
            if "--device" in args:
                dev = yaml.safe_load(args[args.index("--device") + 1])
                resources.add(f"squat.ai/{dev['name']}")
                paths = [p["path"] for g in dev["groups"] for p in g["paths"]]
                if not all(p.startswith("/dev/qnn") for p in paths):
                    bad(f"{where}: the plugin advertises {paths}, not /dev/qnnN")
                else:
                    ok(f"{where}: advertises {paths} as squat.ai/{dev['name']}")
    pods = []
    for where, d in by_kind.get("DaemonSet", []):
        sel = d["spec"]["selector"]["matchLabels"]
        labels = d["spec"]["template"]["metadata"]["labels"]
        if any(labels.get(k) != v for k, v in sel.items()):
            bad(f"{where}: selector {sel} does not match the pod labels {labels}")
        pods.append((where, d["spec"]["template"]["spec"], labels))
    for where, d in by_kind.get("InferenceService", []):
        pods.append((where, d["spec"]["predictor"], {}))
    for where, spec, _ in pods:
        check_pod(spec, where, resources)
    for where, d in by_kind.get("Service", []):
        sel = d["spec"]["selector"]
        match = [(w, s) for w, s, l in pods if all(l.get(k) == v for k, v in sel.items())]
        if not match:
            bad(f"{where}: selector {sel} matches no pod")
            continue
        names = {p.get("name") for c in match[0][1]["containers"] for p in c.get("ports", [])}
        for p in d["spec"]["ports"]:
            if p["targetPort"] not in names:
                bad(f"{where}: targetPort {p['targetPort']} is no container port")
        ok(f"{where}: selects {match[0][0]}, target ports exist")

    # Every qnn command line, parsed by the real binaries.
    for where, spec, _ in pods:
        for c in spec["containers"]:
            cmd = c.get("command", [])
            if cmd == ["/usr/sbin/qnn-oipd"]:
                run_args([os.path.join(bin_dir, "qnn-oipd")] + c["args"], where, ["--help"])
            elif cmd == ["/usr/sbin/qnnd"]:
                run_args([os.path.join(bin_dir, "qnnd")] + c["args"], where, ["--help"])
    for where, d in by_kind.get("ConfigMap", []):
        if "qnnd.conf" in d.get("data", {}):
            with tempfile.TemporaryDirectory() as t:
                conf = os.path.join(t, "qnnd.conf")
                open(conf, "w").write(d["data"]["qnnd.conf"])
                # the board's backend and model path are not here: the sw engine and the lab's model
                run_args([os.path.join(bin_dir, "qnnd"), "--config", conf, "--backend", "sw",
                          "--model", model, "--log", "stderr", "--check-config"], where)

    # Prometheus: the kubernetes job keeps what the DaemonSet labels and names.
    prom = yaml.safe_load(open(os.path.join(docs_dir, "prometheus.yml")))
    labels = {k for _, _, l in pods for k in l}
    for job in prom["scrape_configs"]:
        for rc in job.get("relabel_configs", []):
            for src in rc.get("source_labels", []):
                pre = "__meta_kubernetes_pod_label_"
                if src.startswith(pre) and rc.get("action") == "keep":
                    name = src[len(pre):]
                    hits = [l for _, _, l in pods if any(k.replace(".", "_").replace("/", "_")
                                                         .replace("-", "_") == name and v == rc["regex"]
                                                         for k, v in l.items())]
                    if not hits:
                        bad(f"prometheus.yml {job['job_name']}: keeps {src}={rc['regex']}, no pod has it")
                    else:
                        ok(f"prometheus.yml {job['job_name']}: {src}={rc['regex']} selects the qnn-node pods")
    del labels
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
