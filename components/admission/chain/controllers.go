package main

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apiserver/pkg/authentication/serviceaccount"
	"k8s.io/apiserver/pkg/authentication/user"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"

	"k8s.io/kubernetes/pkg/api/legacyscheme"
	"k8s.io/kubernetes/pkg/apis/batch"
	"k8s.io/kubernetes/pkg/controller"
	daemonutil "k8s.io/kubernetes/pkg/controller/daemon/util"
	jobregistry "k8s.io/kubernetes/pkg/registry/batch/job"
)

// Source names the object a pod comes from.
type Source struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

// ControlledPod is a pod a controller would create, and who sends the create.
type ControlledPod struct {
	Source    Source
	Pod       *corev1.Pod
	Requester user.Info
}

// scheduledTime is when CronJob jobs are taken to be scheduled (their names derive from it).
var scheduledTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// controllerUser is the identity kube-controller-manager's controller sends pod creates with
// (it runs each controller with its own service account, --use-service-account-credentials).
func controllerUser(name string) user.Info {
	return &user.DefaultInfo{
		Name:   serviceaccount.MakeUsername("kube-system", name),
		Groups: []string{serviceaccount.AllServiceAccountsGroup, "system:serviceaccounts:kube-system", user.AllAuthenticated},
	}
}

// PodsOf returns the first pod the workload's controller creates. One pod per workload: the
// replicas of a workload differ only in their names (and, for StatefulSets, ordinals).
func PodsOf(obj runtime.Object) ([]ControlledPod, error) {
	switch w := obj.(type) {
	case *corev1.Pod:
		return []ControlledPod{{
			Source:    Source{"Pod", w.Namespace, w.Name},
			Pod:       w.DeepCopy(),
			Requester: &user.DefaultInfo{Name: "admission-chain", Groups: []string{user.AllAuthenticated}},
		}}, nil
	case *appsv1.ReplicaSet:
		pod, err := replicaSetPod(w)
		if err != nil {
			return nil, err
		}
		return []ControlledPod{{Source{"ReplicaSet", w.Namespace, w.Name}, pod, controllerUser("replicaset-controller")}}, nil
	case *appsv1.Deployment:
		rs := deploymentReplicaSet(w)
		pod, err := replicaSetPod(rs)
		if err != nil {
			return nil, err
		}
		return []ControlledPod{{Source{"Deployment", w.Namespace, w.Name}, pod, controllerUser("replicaset-controller")}}, nil
	case *appsv1.StatefulSet:
		pod, err := statefulSetPod(w)
		if err != nil {
			return nil, err
		}
		return []ControlledPod{{Source{"StatefulSet", w.Namespace, w.Name}, pod, controllerUser("statefulset-controller")}}, nil
	case *appsv1.DaemonSet:
		pod, err := daemonSetPod(w)
		if err != nil {
			return nil, err
		}
		return []ControlledPod{{Source{"DaemonSet", w.Namespace, w.Name}, pod, controllerUser("daemon-set-controller")}}, nil
	case *batchv1.Job:
		pod, err := jobPod(w)
		if err != nil {
			return nil, err
		}
		return []ControlledPod{{Source{"Job", w.Namespace, w.Name}, pod, controllerUser("job-controller")}}, nil
	case *batchv1.CronJob:
		job, err := cronJobJob(w)
		if err != nil {
			return nil, err
		}
		pod, err := jobPod(job)
		if err != nil {
			return nil, err
		}
		return []ControlledPod{{Source{"CronJob", w.Namespace, w.Name}, pod, controllerUser("job-controller")}}, nil
	}
	return nil, fmt.Errorf("no controller for %T", obj)
}

// created gives a workload the UID the API server gives it when it is created.
func created(meta *metav1.ObjectMeta, kind string) {
	if meta.UID == "" {
		meta.UID = types.UID(fmt.Sprintf("00000000-0000-4000-8000-%012x", fnv48(kind+"/"+meta.Namespace+"/"+meta.Name)))
	}
}

func replicaSetPod(rs *appsv1.ReplicaSet) (*corev1.Pod, error) {
	created(&rs.ObjectMeta, "ReplicaSet")
	// replica_set.go manageReplicas: podControl.CreatePods(ctx, rs.Namespace, &rs.Spec.Template, rs, controllerRef)
	pod, err := controller.GetPodFromTemplate(&rs.Spec.Template, rs, metav1.NewControllerRef(rs, appsv1.SchemeGroupVersion.WithKind("ReplicaSet")))
	if err != nil {
		return nil, err
	}
	pod.Namespace = rs.Namespace
	return pod, nil
}

// deploymentReplicaSet is the ReplicaSet the deployment controller creates for a new Deployment
// (pkg/controller/deployment/sync.go getNewReplicaSet): the template with label
// pod-template-hash = controller.ComputeHash(template, collisionCount), named <deployment>-<hash>.
func deploymentReplicaSet(d *appsv1.Deployment) *appsv1.ReplicaSet {
	created(&d.ObjectMeta, "Deployment")
	template := *d.Spec.Template.DeepCopy()
	hash := controller.ComputeHash(&template, d.Status.CollisionCount)
	if template.Labels == nil {
		template.Labels = map[string]string{}
	}
	template.Labels[appsv1.DefaultDeploymentUniqueLabelKey] = hash
	selector := d.Spec.Selector.DeepCopy()
	if selector == nil {
		selector = &metav1.LabelSelector{}
	}
	if selector.MatchLabels == nil {
		selector.MatchLabels = map[string]string{}
	}
	selector.MatchLabels[appsv1.DefaultDeploymentUniqueLabelKey] = hash
	return &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{
			Name:            d.Name + "-" + hash,
			Namespace:       d.Namespace,
			Labels:          template.Labels,
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(d, appsv1.SchemeGroupVersion.WithKind("Deployment"))},
		},
		Spec: appsv1.ReplicaSetSpec{Replicas: d.Spec.Replicas, MinReadySeconds: d.Spec.MinReadySeconds, Selector: selector, Template: template},
	}
}

// statefulSetPod is the StatefulSet controller's first pod (pkg/controller/statefulset/
// stateful_set_utils.go newStatefulSetPod, whose helpers are unexported): GetPodFromTemplate, then
// the identity (name <set>-<ordinal>, hostname, subdomain, pod-name and pod-index labels), the
// volumes of the volumeClaimTemplates, and the controller-revision-hash label.
func statefulSetPod(set *appsv1.StatefulSet) (*corev1.Pod, error) {
	created(&set.ObjectMeta, "StatefulSet")
	pod, err := controller.GetPodFromTemplate(&set.Spec.Template, set, metav1.NewControllerRef(set, appsv1.SchemeGroupVersion.WithKind("StatefulSet")))
	if err != nil {
		return nil, err
	}
	ordinal := 0
	if set.Spec.Ordinals != nil {
		ordinal = int(set.Spec.Ordinals.Start)
	}
	pod.Name = fmt.Sprintf("%s-%d", set.Name, ordinal)
	pod.GenerateName = ""
	pod.Namespace = set.Namespace
	if pod.Labels == nil {
		pod.Labels = map[string]string{}
	}
	pod.Labels[appsv1.StatefulSetPodNameLabel] = pod.Name
	pod.Labels[appsv1.PodIndexLabel] = strconv.Itoa(ordinal)
	pod.Spec.Hostname = pod.Name
	pod.Spec.Subdomain = set.Spec.ServiceName

	// updateStorage: one PVC volume per claim template, replacing a pod volume of that name. The
	// controller ranges over a map here; the claims are sorted so that the output is stable.
	claims := make([]string, 0, len(set.Spec.VolumeClaimTemplates))
	byName := map[string]bool{}
	for _, t := range set.Spec.VolumeClaimTemplates {
		claims = append(claims, t.Name)
		byName[t.Name] = true
	}
	sort.Strings(claims)
	volumes := make([]corev1.Volume, 0, len(claims)+len(pod.Spec.Volumes))
	for _, name := range claims {
		volumes = append(volumes, corev1.Volume{
			Name: name,
			VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{
				ClaimName: fmt.Sprintf("%s-%s-%d", name, set.Name, ordinal),
			}},
		})
	}
	for _, v := range pod.Spec.Volumes {
		if !byName[v.Name] {
			volumes = append(volumes, v)
		}
	}
	pod.Spec.Volumes = volumes

	// setPodRevision: the controller names its ControllerRevision <set>-<hash of the revision's
	// patch>; the hash of the template stands in for it here (its value matters to no policy).
	pod.Labels[appsv1.ControllerRevisionHashLabelKey] = set.Name + "-" + controller.ComputeHash(&set.Spec.Template, set.Status.CollisionCount)
	return pod, nil
}

// daemonSetPod is the DaemonSet controller's pod (pkg/controller/daemon: CreatePodTemplate adds
// the daemon tolerations and the generation and hash labels; syncNodes then pins the pod to its
// node with a node affinity, which is left out since the pod goes to no particular node here).
func daemonSetPod(ds *appsv1.DaemonSet) (*corev1.Pod, error) {
	created(&ds.ObjectMeta, "DaemonSet")
	generation := ds.Generation
	if generation == 0 {
		generation = 1
	}
	hash := controller.ComputeHash(&ds.Spec.Template, ds.Status.CollisionCount)
	template := daemonutil.CreatePodTemplate(ds.Spec.Template, &generation, hash)
	pod, err := controller.GetPodFromTemplate(&template, ds, metav1.NewControllerRef(ds, appsv1.SchemeGroupVersion.WithKind("DaemonSet")))
	if err != nil {
		return nil, err
	}
	pod.Namespace = ds.Namespace
	return pod, nil
}

// jobPod is the Job controller's pod: the Job as the API server stores it (the job registry's
// PrepareForCreate adds the controller-uid and job-name selector labels to the template), then
// the job controller's template with its tracking finalizer, through GetPodFromTemplate.
// Indexed Jobs: the completion index env, annotation and label are not added.
func jobPod(j *batchv1.Job) (*corev1.Pod, error) {
	created(&j.ObjectMeta, "Job")
	internal := &batch.Job{}
	if err := legacyscheme.Scheme.Convert(j.DeepCopy(), internal, nil); err != nil {
		return nil, err
	}
	jobregistry.Strategy.PrepareForCreate(genericapirequest.WithNamespace(genericapirequest.NewContext(), j.Namespace), internal)
	stored := &batchv1.Job{}
	if err := legacyscheme.Scheme.Convert(internal, stored, nil); err != nil {
		return nil, err
	}
	template := stored.Spec.Template.DeepCopy()
	hasFinalizer := false
	for _, f := range template.Finalizers {
		hasFinalizer = hasFinalizer || f == batchv1.JobTrackingFinalizer
	}
	if !hasFinalizer {
		template.Finalizers = append(template.Finalizers, batchv1.JobTrackingFinalizer)
	}
	pod, err := controller.GetPodFromTemplate(template, stored, metav1.NewControllerRef(stored, batchv1.SchemeGroupVersion.WithKind("Job")))
	if err != nil {
		return nil, err
	}
	pod.Namespace = j.Namespace
	return pod, nil
}

// cronJobJob is the Job the CronJob controller creates (pkg/controller/cronjob/utils.go
// getJobFromTemplate2, unexported): the job template's labels, annotations and spec, the
// scheduled-timestamp annotation, named <cronjob>-<scheduled time in minutes>.
func cronJobJob(cj *batchv1.CronJob) (*batchv1.Job, error) {
	created(&cj.ObjectMeta, "CronJob")
	labels := map[string]string{}
	for k, v := range cj.Spec.JobTemplate.Labels {
		labels[k] = v
	}
	annotations := map[string]string{}
	for k, v := range cj.Spec.JobTemplate.Annotations {
		annotations[k] = v
	}
	loc := time.UTC
	if cj.Spec.TimeZone != nil {
		l, err := time.LoadLocation(*cj.Spec.TimeZone)
		if err != nil {
			return nil, fmt.Errorf("CronJob %s/%s: timeZone: %w", cj.Namespace, cj.Name, err)
		}
		loc = l
	}
	annotations[batchv1.CronJobScheduledTimestampAnnotation] = scheduledTime.In(loc).Format(time.RFC3339)
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{
			Name:            fmt.Sprintf("%s-%d", cj.Name, scheduledTime.Unix()/60),
			Namespace:       cj.Namespace,
			Labels:          labels,
			Annotations:     annotations,
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(cj, batchv1.SchemeGroupVersion.WithKind("CronJob"))},
		},
	}
	cj.Spec.JobTemplate.Spec.DeepCopyInto(&job.Spec)
	// The Job is created through the API server, which defaults it.
	legacyscheme.Scheme.Default(job)
	return job, nil
}
