//go:build tools

// Package tools pins the control-plane programs this wrapper module builds. It is never compiled;
// it only keeps k8s.io/kubernetes and etcd in the module graph so `go mod tidy` records them.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
