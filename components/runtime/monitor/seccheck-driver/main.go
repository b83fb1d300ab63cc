// Command seccheck-driver plays one gVisor sandbox against the platform's runtime monitor, using
// gVisor's own code for everything that crosses the wire: runsc's pod-init config loader (strict
// JSON), the seccheck session and its point/field registry, the remote sink's connect, handshake
// and framing, and the generated point protobufs. Only the guest workload is scripted: where the
// Sentry would observe a task, the driver fills the event from a scenario file, and, as the
// Sentry does, it sends a point only when the session enabled it and fills only the context
// fields the session asked for.
//
// Usage: seccheck-driver -config pod-init.json -events scenario.json
//
// Exit codes: 0 sent; 2 bad usage or scenario; 3 the session refused to start (for example no
// monitor listening, which is what fail-closed means for the sandbox); 4 a scenario event needs a
// point or field the session does not enable.
package main

import (
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"gvisor.dev/gvisor/pkg/context"
	"net"
	"os"
	"path"
	"strings"
	"time"

	"golang.org/x/sys/unix"
	"google.golang.org/protobuf/proto"
	"gvisor.dev/gvisor/pkg/fd"
	"gvisor.dev/gvisor/pkg/sentry/seccheck"
	pb "gvisor.dev/gvisor/pkg/sentry/seccheck/points/points_go_proto"
	"gvisor.dev/gvisor/pkg/sentry/seccheck/sinks/remote/wire"
	"gvisor.dev/gvisor/runsc/boot"
)

// event is one observed guest action. Kind selects the point; the other fields are what the
// Sentry would know about the task and the call.
type event struct {
	Kind      string   `json:"kind"` // start | exec | open | connect | setid | dropped | pause
	Container string   `json:"container"`
	Pid       int32    `json:"pid"`
	Ppid      int32    `json:"ppid"`
	Uid       uint32   `json:"uid"`
	Cwd       string   `json:"cwd"`
	Args      []string `json:"args"`
	Env       []string `json:"env"`
	Binary    string   `json:"binary"`
	Syscall   string   `json:"syscall"`
	Fd        int64    `json:"fd"`
	FdPath    string   `json:"fdPath"`
	Path      string   `json:"path"`
	Flags     uint32   `json:"flags"`
	IP        string   `json:"ip"`
	Port      uint16   `json:"port"`
	Result    int64    `json:"result"`
	Errno     int64    `json:"errno"`
	ID        uint32   `json:"id"`
	Count     uint32   `json:"count"`
	Ms        int      `json:"ms"`
}

type failure struct {
	code int
	err  error
}

func fail(code int, format string, args ...any) { panic(failure{code, fmt.Errorf(format, args...)}) }

func main() {
	configPath := flag.String("config", "", "runsc pod-init config (JSON)")
	eventsPath := flag.String("events", "", "scenario: a JSON list of events")
	flag.Parse()
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(failure)
			if !ok {
				panic(r)
			}
			fmt.Fprintln(os.Stderr, "seccheck-driver:", f.err)
			os.Exit(f.code)
		}
	}()
	if *configPath == "" || *eventsPath == "" {
		fail(2, "usage: seccheck-driver -config pod-init.json -events scenario.json")
	}
	var events []event
	raw, err := os.ReadFile(*eventsPath)
	if err != nil {
		fail(2, "reading scenario: %v", err)
	}
	if err := json.Unmarshal(raw, &events); err != nil {
		fail(2, "parsing scenario: %v", err)
	}

	seccheck.Initialize()
	// runsc loads the file with unknown fields refused; the sinks are set up outside the
	// sandbox (connect + handshake), then the session is created inside it with their FDs.
	initConf, err := boot.LoadInitConfig(*configPath)
	if err != nil {
		fail(3, "loading pod-init config: %v", err)
	}
	files, err := initConf.Setup()
	if err != nil {
		fail(3, "setting up sinks: %v", err)
	}
	session := initConf.TraceSession
	for i, f := range files {
		if f != nil {
			session.Sinks[i].FD = fd.New(int(f.Fd()))
		}
	}
	if err := seccheck.Create(&session, false); err != nil {
		fail(3, "creating trace session: %v", err)
	}

	s := &sandbox{names: map[int32]string{}, files: files}
	for i, e := range events {
		if err := s.emit(e); err != nil {
			fail(4, "event %d (%s): %v", i, e.Kind, err)
		}
	}
	// The remote sink writes without blocking; give the monitor a moment before the sandbox
	// "exits" and the connection closes.
	time.Sleep(100 * time.Millisecond)
	for _, f := range files {
		if f != nil {
			_ = f.Close()
		}
	}
}

type sandbox struct {
	names map[int32]string // thread group -> comm, as t.Name() would answer
	files []*os.File
	clock int64
}

func (s *sandbox) contextData(e event, mask seccheck.FieldMask) *pb.ContextData {
	if mask.Empty() {
		return nil
	}
	s.clock++
	c := &pb.ContextData{}
	if mask.Contains(seccheck.FieldCtxtTime) {
		c.TimeNs = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC).UnixNano() + s.clock*int64(time.Millisecond)
	}
	if mask.Contains(seccheck.FieldCtxtThreadID) {
		c.ThreadId = e.Pid
	}
	if mask.Contains(seccheck.FieldCtxtThreadGroupID) {
		c.ThreadGroupId = e.Pid
	}
	if mask.Contains(seccheck.FieldCtxtContainerID) {
		c.ContainerId = e.Container
	}
	if mask.Contains(seccheck.FieldCtxtCwd) {
		c.Cwd = e.Cwd
	}
	if mask.Contains(seccheck.FieldCtxtProcessName) {
		c.ProcessName = s.names[e.Pid]
	}
	if mask.Contains(seccheck.FieldCtxtParentThreadGroupID) {
		c.ParentThreadGroupId = e.Ppid
	}
	if mask.Contains(seccheck.FieldCtxtCredentials) {
		c.Credentials = &pb.Credentials{RealUid: e.Uid, EffectiveUid: e.Uid, SavedUid: e.Uid, RealGid: e.Uid, EffectiveGid: e.Uid, SavedGid: e.Uid}
	}
	return c
}

// send delivers a point the way the Sentry does: only if the session enabled it.
func (s *sandbox) send(point seccheck.Point, name string, fn func(seccheck.FieldSet, seccheck.Sink) error) error {
	if !seccheck.Global.Enabled(point) {
		return fmt.Errorf("point %s is not enabled by the session", name)
	}
	fields := seccheck.Global.GetFieldSet(point)
	return seccheck.Global.SentToSinks(func(sink seccheck.Sink) error { return fn(fields, sink) })
}

func (s *sandbox) syscallExit(name string, build func(seccheck.FieldSet) (proto.Message, pb.MessageType)) error {
	sysno, ok := sysnos[name]
	if !ok {
		return fmt.Errorf("unknown syscall %q", name)
	}
	point := seccheck.GetPointForSyscall(seccheck.SyscallExit, sysno)
	return s.send(point, "syscall/"+name+"/exit", func(fields seccheck.FieldSet, sink seccheck.Sink) error {
		msg, typ := build(fields)
		return sink.Syscall(context.Background(), fields, nil, typ, msg)
	})
}

var sysnos = map[string]uintptr{
	"open": unix.SYS_OPEN, "openat": unix.SYS_OPENAT, "connect": unix.SYS_CONNECT,
	"setuid": unix.SYS_SETUID, "setgid": unix.SYS_SETGID, "setresuid": unix.SYS_SETRESUID, "setresgid": unix.SYS_SETRESGID,
}

func comm(binary string) string {
	name := path.Base(binary)
	if len(name) > 15 { // TASK_COMM_LEN - 1
		name = name[:15]
	}
	return name
}

func (s *sandbox) emit(e event) error {
	exit := &pb.Exit{Result: e.Result, Errorno: e.Errno}
	switch e.Kind {
	case "start":
		s.names[e.Pid] = comm(e.Args[0])
		return s.send(seccheck.PointContainerStart, "container/start", func(fields seccheck.FieldSet, sink seccheck.Sink) error {
			msg := &pb.Start{Id: e.Container, Cwd: e.Cwd, Args: e.Args, ContextData: s.contextData(e, fields.Context)}
			if fields.Local.Contains(seccheck.FieldContainerStartEnv) {
				msg.Env = e.Env
			}
			return sink.ContainerStart(context.Background(), fields, msg)
		})
	case "exec":
		s.names[e.Pid] = comm(e.Binary)
		return s.send(seccheck.PointExecve, "sentry/execve", func(fields seccheck.FieldSet, sink seccheck.Sink) error {
			msg := &pb.ExecveInfo{BinaryPath: e.Binary, Argv: e.Args, ContextData: s.contextData(e, fields.Context)}
			return sink.Execve(context.Background(), fields, msg)
		})
	case "open":
		return s.syscallExit(e.Syscall, func(fields seccheck.FieldSet) (proto.Message, pb.MessageType) {
			sysno := sysnos[e.Syscall]
			return &pb.Open{ContextData: s.contextData(e, fields.Context), Exit: exit, Sysno: uint64(sysno), Fd: e.Fd, FdPath: e.FdPath, Pathname: e.Path, Flags: e.Flags}, pb.MessageType_MESSAGE_SYSCALL_OPEN
		})
	case "connect":
		address, err := sockaddr(e.IP, e.Port)
		if err != nil {
			return err
		}
		return s.syscallExit("connect", func(fields seccheck.FieldSet) (proto.Message, pb.MessageType) {
			return &pb.Connect{ContextData: s.contextData(e, fields.Context), Exit: exit, Sysno: uint64(unix.SYS_CONNECT), Fd: 7, Address: address}, pb.MessageType_MESSAGE_SYSCALL_CONNECT
		})
	case "setid":
		return s.syscallExit(e.Syscall, func(fields seccheck.FieldSet) (proto.Message, pb.MessageType) {
			ctx := s.contextData(e, fields.Context)
			if strings.HasPrefix(e.Syscall, "setres") {
				return &pb.Setresid{ContextData: ctx, Exit: exit, Sysno: uint64(sysnos[e.Syscall]), Rid: e.ID, Eid: e.ID, Sid: e.ID}, pb.MessageType_MESSAGE_SYSCALL_SETRESID
			}
			return &pb.Setid{ContextData: ctx, Exit: exit, Sysno: uint64(sysnos[e.Syscall]), Id: e.ID}, pb.MessageType_MESSAGE_SYSCALL_SETID
		})
	case "pause":
		// The workload runs on without traced activity; the connection stays open.
		time.Sleep(time.Duration(e.Ms) * time.Millisecond)
		return nil
	case "dropped":
		// The remote sink reports points it could not write in the next header it sends; the
		// driver cannot make the kernel buffer overflow on cue, so it writes that header itself,
		// framed by gVisor's own wire.Header, ahead of a container/start-less raw point.
		return s.writeDropped(e.Count)
	}
	return fmt.Errorf("unknown event kind %q", e.Kind)
}

func (s *sandbox) writeDropped(count uint32) error {
	hdr := wire.Header{HeaderSize: uint16(wire.HeaderStructSize), MessageType: uint16(pb.MessageType_MESSAGE_SENTRY_TASK_EXIT), DroppedCount: count}
	var out [wire.HeaderStructSize]byte
	hdr.MarshalUnsafe(out[:])
	payload, err := proto.Marshal(&pb.TaskExit{})
	if err != nil {
		return err
	}
	for _, f := range s.files {
		if f != nil {
			if _, err := unix.Writev(int(f.Fd()), [][]byte{out[:], payload}); err != nil {
				return err
			}
		}
	}
	return nil
}

// sockaddr encodes what the guest passed to connect(2): struct sockaddr_in or sockaddr_in6.
func sockaddr(ip string, port uint16) ([]byte, error) {
	addr := net.ParseIP(ip)
	if addr == nil {
		return nil, fmt.Errorf("bad ip %q", ip)
	}
	if v4 := addr.To4(); v4 != nil {
		b := make([]byte, 16)
		binary.LittleEndian.PutUint16(b[0:], unix.AF_INET)
		binary.BigEndian.PutUint16(b[2:], port)
		copy(b[4:], v4)
		return b, nil
	}
	b := make([]byte, 28)
	binary.LittleEndian.PutUint16(b[0:], unix.AF_INET6)
	binary.BigEndian.PutUint16(b[2:], port)
	copy(b[8:], addr.To16())
	return b, nil
}
