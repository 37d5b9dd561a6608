//go:build tools

// Package tools pins the programs this wrapper module builds. It is never compiled; it only keeps
// k8s.io/kubernetes and etcd in the module graph so `go mod tidy` records them. The control plane
// is built by testenv/lib/build.mjs; kubeadm, kubelet, kubectl and kube-proxy by testenv/kind
// (the kind node image and the kind test tier's kubectl).
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubeadm"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
)
