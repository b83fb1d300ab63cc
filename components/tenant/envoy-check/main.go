// envoy-check parses an Envoy configuration strictly into Envoy's v3 API protos, as served by
// go-control-plane at the pinned Envoy's version, and runs their validation rules (protoc-gen-
// validate), descending into every typed_config (google.protobuf.Any), which the generated rules
// do not open themselves.
//
// Usage: envoy-check bootstrap|discovery < config.json
// "bootstrap" reads an envoy.config.bootstrap.v3.Bootstrap; "discovery" a file SDS/xDS resource
// set ({"resources": [...]}, an envoy.service.discovery.v3.DiscoveryResponse). JSON in (YAML is
// converted by the caller); an unknown field, an unknown type URL or a broken rule exits 1 and
// prints the reason.
package main

import (
	"fmt"
	"io"
	"os"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	discoveryv3 "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/anypb"

	// Every extension the platform's proxy uses, so its type URLs resolve.
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/access_loggers/stream/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/clusters/dynamic_forward_proxy/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/buffer/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/credential_injector/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/dynamic_forward_proxy/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/header_mutation/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/local_ratelimit/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/http/injected_credentials/generic/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/network/dns_resolver/cares/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
)

type validator interface{ ValidateAll() error }

// check validates m and every message packed in an Any anywhere beneath it.
func check(m protoreflect.Message, path string) error {
	if v, ok := m.Interface().(validator); ok {
		if err := v.ValidateAll(); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	if a, ok := m.Interface().(*anypb.Any); ok {
		inner, err := a.UnmarshalNew()
		if err != nil {
			return fmt.Errorf("%s: %s: %w", path, a.GetTypeUrl(), err)
		}
		return check(inner.ProtoReflect(), path+"("+a.GetTypeUrl()+")")
	}
	var failure error
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Kind() != protoreflect.MessageKind && fd.Kind() != protoreflect.GroupKind {
			return true
		}
		name := path + "." + string(fd.Name())
		switch {
		case fd.IsList():
			for i := 0; i < v.List().Len() && failure == nil; i++ {
				failure = check(v.List().Get(i).Message(), fmt.Sprintf("%s[%d]", name, i))
			}
		case fd.IsMap():
			if fd.MapValue().Kind() == protoreflect.MessageKind {
				v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
					failure = check(mv.Message(), fmt.Sprintf("%s[%v]", name, k.Interface()))
					return failure == nil
				})
			}
		default:
			failure = check(v.Message(), name)
		}
		return failure == nil
	})
	return failure
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: envoy-check bootstrap|discovery < config.json")
		os.Exit(2)
	}
	var m proto.Message
	switch os.Args[1] {
	case "bootstrap":
		m = &bootstrapv3.Bootstrap{}
	case "discovery":
		m = &discoveryv3.DiscoveryResponse{}
	default:
		fmt.Fprintf(os.Stderr, "unknown kind %q\n", os.Args[1])
		os.Exit(2)
	}
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	// Strict: an unknown field is an error, as Envoy's own loader treats it.
	if err := (protojson.UnmarshalOptions{DiscardUnknown: false}).Unmarshal(input, m); err != nil {
		fmt.Println("parse:", err)
		os.Exit(1)
	}
	if err := check(m.ProtoReflect(), os.Args[1]); err != nil {
		fmt.Println("validate:", err)
		os.Exit(1)
	}
	fmt.Println("ok")
}
