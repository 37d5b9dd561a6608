// argovalidate runs Argo Workflows' own validator (package workflow/validate of the pinned
// argo-workflows module) on many documents at once, offline, so the argo-validate test tier can
// compare Kindling's diagnostics with what Argo would refuse.
//
// Input (stdin): a JSON list of {"id", "group", "text"}; text is ONE YAML or JSON document.
// Output (stdout): one JSON line per input, in input order:
//   {"id", "kind", "name", "verdict": "accept"|"reject"|"skip", "message"}
// "skip" means the document is not an Argo Workflow, WorkflowTemplate, ClusterWorkflowTemplate or
// CronWorkflow (nothing to validate).
//
// templateRef and workflowTemplateRef resolve against the (Cluster)WorkflowTemplates of the same
// group — the documents a user would have applied together — through getters that stand in for
// the cluster's informers; nothing here talks to a cluster.
//
// Options are the ones the API server and controller use when a resource is created
// (ValidateOpts{}), not the lint options: a miss means "the cluster would refuse this".
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/sirupsen/logrus"
	apierr "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	wfv1 "github.com/argoproj/argo-workflows/v3/pkg/apis/workflow/v1alpha1"
	"github.com/argoproj/argo-workflows/v3/workflow/validate"
)

type input struct {
	ID    string `json:"id"`
	Group string `json:"group"`
	Text  string `json:"text"`
}

type output struct {
	ID      string `json:"id"`
	Kind    string `json:"kind,omitempty"`
	Name    string `json:"name,omitempty"`
	Verdict string `json:"verdict"`
	Message string `json:"message,omitempty"`
}

type namespaced map[string]*wfv1.WorkflowTemplate

func (m namespaced) Get(name string) (*wfv1.WorkflowTemplate, error) {
	if t, ok := m[name]; ok {
		return t.DeepCopy(), nil
	}
	return nil, apierr.NewNotFound(schema.GroupResource{Group: "argoproj.io", Resource: "workflowtemplates"}, name)
}

type cluster map[string]*wfv1.ClusterWorkflowTemplate

func (m cluster) Get(name string) (*wfv1.ClusterWorkflowTemplate, error) {
	if t, ok := m[name]; ok {
		return t.DeepCopy(), nil
	}
	return nil, apierr.NewNotFound(schema.GroupResource{Group: "argoproj.io", Resource: "clusterworkflowtemplates"}, name)
}

type group struct {
	wt  namespaced
	cwt cluster
}

func kindOf(text string) (metav1.TypeMeta, error) {
	var tm metav1.TypeMeta
	err := yaml.Unmarshal([]byte(text), &tm)
	return tm, err
}

func isArgo(tm metav1.TypeMeta) bool {
	if len(tm.APIVersion) < len("argoproj.io/") || tm.APIVersion[:len("argoproj.io/")] != "argoproj.io/" {
		return false
	}
	switch tm.Kind {
	case "Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow":
		return true
	}
	return false
}

// validateOne never panics: a panic inside Argo's validator is reported as a reject that says so.
func validateOne(in input, g *group) (out output) {
	out.ID = in.ID
	defer func() {
		if r := recover(); r != nil {
			out.Verdict = "reject"
			out.Message = fmt.Sprintf("validator panicked: %v", r)
		}
	}()
	tm, err := kindOf(in.Text)
	if err != nil || !isArgo(tm) {
		out.Verdict = "skip"
		return out
	}
	out.Kind = tm.Kind
	reject := func(err error) output {
		if err != nil {
			out.Verdict = "reject"
			out.Message = err.Error()
		} else {
			out.Verdict = "accept"
		}
		return out
	}
	data := []byte(in.Text)
	switch tm.Kind {
	case "Workflow":
		var wf wfv1.Workflow
		if err := yaml.Unmarshal(data, &wf); err != nil {
			return reject(fmt.Errorf("cannot decode: %w", err))
		}
		out.Name = nameOf(wf.ObjectMeta)
		return reject(validate.ValidateWorkflow(g.wt, g.cwt, &wf, validate.ValidateOpts{}))
	case "WorkflowTemplate":
		var wt wfv1.WorkflowTemplate
		if err := yaml.Unmarshal(data, &wt); err != nil {
			return reject(fmt.Errorf("cannot decode: %w", err))
		}
		out.Name = nameOf(wt.ObjectMeta)
		return reject(validate.ValidateWorkflowTemplate(g.wt, g.cwt, &wt, validate.ValidateOpts{}))
	case "ClusterWorkflowTemplate":
		var cwt wfv1.ClusterWorkflowTemplate
		if err := yaml.Unmarshal(data, &cwt); err != nil {
			return reject(fmt.Errorf("cannot decode: %w", err))
		}
		out.Name = nameOf(cwt.ObjectMeta)
		return reject(validate.ValidateClusterWorkflowTemplate(g.wt, g.cwt, &cwt, validate.ValidateOpts{}))
	default: // CronWorkflow
		var cw wfv1.CronWorkflow
		if err := yaml.Unmarshal(data, &cw); err != nil {
			return reject(fmt.Errorf("cannot decode: %w", err))
		}
		out.Name = nameOf(cw.ObjectMeta)
		return reject(validate.ValidateCronWorkflow(context.Background(), g.wt, g.cwt, &cw))
	}
}

func nameOf(m metav1.ObjectMeta) string {
	if m.Name != "" {
		return m.Name
	}
	return m.GenerateName
}

// collect indexes the templates of every group first, so a reference may point forward.
func collect(inputs []input) map[string]*group {
	groups := map[string]*group{}
	for _, in := range inputs {
		g := groups[in.Group]
		if g == nil {
			g = &group{wt: namespaced{}, cwt: cluster{}}
			groups[in.Group] = g
		}
		tm, err := kindOf(in.Text)
		if err != nil || !isArgo(tm) {
			continue
		}
		switch tm.Kind {
		case "WorkflowTemplate":
			var wt wfv1.WorkflowTemplate
			if yaml.Unmarshal([]byte(in.Text), &wt) == nil && wt.Name != "" {
				if _, dup := g.wt[wt.Name]; !dup {
					g.wt[wt.Name] = &wt
				}
			}
		case "ClusterWorkflowTemplate":
			var cwt wfv1.ClusterWorkflowTemplate
			if yaml.Unmarshal([]byte(in.Text), &cwt) == nil && cwt.Name != "" {
				if _, dup := g.cwt[cwt.Name]; !dup {
					g.cwt[cwt.Name] = &cwt
				}
			}
		}
	}
	return groups
}

func main() {
	// The validator logs through logrus; keep stdout for our JSON lines only.
	logrus.SetOutput(io.Discard)
	var inputs []input
	if err := json.NewDecoder(os.Stdin).Decode(&inputs); err != nil {
		fmt.Fprintln(os.Stderr, "argovalidate: stdin must be a JSON list of {id, group, text}:", err)
		os.Exit(2)
	}
	groups := collect(inputs)
	enc := json.NewEncoder(os.Stdout)
	for _, in := range inputs {
		if err := enc.Encode(validateOne(in, groups[in.Group])); err != nil {
			fmt.Fprintln(os.Stderr, "argovalidate:", err)
			os.Exit(1)
		}
	}
}
