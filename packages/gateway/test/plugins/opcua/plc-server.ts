// A simulated PLC for the opcua plugin's tests: node-opcua's own server on loopback with a temperature
// tag, a writable setpoint, a pressure tag (threshold rule), integer tags and a native alarm condition.
// It can be stopped and started again on the same port (a PLC reboot).
import serverLib from 'node-opcua-server';
import clientLib from 'node-opcua-client';
import certLib from 'node-opcua-certificate-manager';

const { OPCUAServer } = serverLib;
const { DataType, VariantArrayType, MessageSecurityMode, SecurityPolicy, StatusCodes } = clientLib;
const { OPCUACertificateManager } = certLib;

type Server = InstanceType<typeof OPCUAServer>;
type Var = { setValueFromSource(v: { dataType: number; arrayType?: number; value: unknown }): void; readValue(): { value: { value: unknown } } };
type Branch = { getAckedState(): boolean; getConfirmedState(): boolean; setConfirmedState(b: boolean): void };
type Alarm = {
  activateAlarm(): void;
  deactivateAlarm(): void;
  raiseNewCondition(c: { message: string; severity: number; retain: boolean }): void;
  setEnabledState(b: boolean): void;
  currentBranch(): Branch;
  acknowledgeAndAutoConfirmBranch(b: Branch, comment: string): void;
};
/** The alarms besides HighTempAlarm: PumpAlarm (with ConfirmedState and Confirm), DoorAlarm (for auto_alarms). */
export type ExtraAlarm = 'PumpAlarm' | 'DoorAlarm';
/** Options of a test server: `refuseConditionRefresh` answers ConditionRefresh with BadNotSupported. */
export interface PlcOptions {
  refuseConditionRefresh?: boolean;
}

export class PlcServer {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly vars: Record<string, Var>,
    private readonly alarm: Alarm,
    private readonly extra: Record<ExtraAlarm, Alarm>,
  ) {}

  get endpoint(): string {
    return `opc.tcp://127.0.0.1:${this.port}`;
  }

  /**
   * `secure`: only SignAndEncrypt / Basic256Sha256 with a user and password (any client certificate is
   * accepted; its PKI lives in `secure.pkiDir`).
   */
  static async start(port = 0, secure?: { user: string; password: string; pkiDir: string }, options: PlcOptions = {}): Promise<PlcServer> {
    const server = new OPCUAServer({
      port,
      hostname: '127.0.0.1',
      alternateHostname: [],
      serverInfo: { applicationUri: 'urn:medkit:test-plc' },
      ...(secure
        ? {
            securityModes: [MessageSecurityMode.SignAndEncrypt],
            securityPolicies: [SecurityPolicy.Basic256Sha256],
            allowAnonymous: false,
            userManager: { isValidUser: (u: string, p: string) => u === secure.user && p === secure.password },
            serverCertificateManager: new OPCUACertificateManager({ rootFolder: secure.pkiDir, automaticallyAcceptUnknownCertificate: true }),
          }
        : {}),
    });
    await server.initialize();
    const as = server.engine.addressSpace!;
    as.installAlarmsAndConditionsService();
    const ns = as.getOwnNamespace();
    const serverObject = as.rootFolder.objects.server;
    const plc = ns.addObject({ organizedBy: as.rootFolder.objects, browseName: 'PLC', nodeId: 's=PLC', eventSourceOf: serverObject, eventNotifier: 1 });
    const rw = { accessLevel: 'CurrentRead | CurrentWrite', userAccessLevel: 'CurrentRead | CurrentWrite' };
    const add = (name: string, dataType: string, value: unknown, writable: boolean) =>
      ns.addVariable({
        componentOf: plc,
        browseName: name,
        nodeId: `s=${name}`,
        dataType,
        minimumSamplingInterval: 50,
        value: { dataType: DataType[dataType as keyof typeof DataType] as number, arrayType: VariantArrayType.Scalar, value },
        ...(writable ? rw : { accessLevel: 'CurrentRead', userAccessLevel: 'CurrentRead' }),
      }) as unknown as Var;
    const vars = {
      Temperature: add('Temperature', 'Double', 21.5, false),
      Setpoint: add('Setpoint', 'Double', 40, true),
      Pressure: add('Pressure', 'Double', 1.2, false),
      Mode: add('Mode', 'Int16', 1, true),
      Counter: add('Counter', 'Int64', [0, 7], true),
      Label: add('Label', 'String', 'line 1', true),
      // Registers of the value-driven fault modes (status bits, fault enums, 64-bit codes).
      StatusWord: add('StatusWord', 'UInt16', 0, false),
      FaultCode: add('FaultCode', 'Int32', 0, false),
      BigCode: add('BigCode', 'Int64', [0, 0], false),
      SignedWord: add('SignedWord', 'Int16', 0, false),
      // An Enumeration DataType (ServerState, ns=0;i=852): not a built-in scalar, Int32 on the wire.
      Phase: ns.addVariable({ componentOf: plc, browseName: 'Phase', nodeId: 's=Phase', dataType: 'ServerState', minimumSamplingInterval: 50, value: { dataType: DataType.Int32, value: 2 }, ...rw }) as unknown as Var,
    };
    const alarm = ns.instantiateAlarmCondition('AlarmConditionType', {
      componentOf: plc,
      conditionSource: plc,
      inputNode: vars.Temperature as never,
      browseName: 'HighTempAlarm',
      nodeId: 's=HighTempAlarm',
      conditionName: 'HighTemp',
    } as never) as unknown as Alarm;
    alarm.setEnabledState(true);
    const extraAlarm = (name: ExtraAlarm, conditionName: string, optionals: string[]) => {
      const a = ns.instantiateAlarmCondition('AlarmConditionType', {
        componentOf: plc,
        conditionSource: plc,
        inputNode: vars.Pressure as never,
        browseName: name,
        nodeId: `s=${name}`,
        conditionName,
        optionals,
      } as never) as unknown as Alarm;
      a.setEnabledState(true);
      if (optionals.includes('ConfirmedState')) a.currentBranch().setConfirmedState(true);
      return a;
    };
    const extra = { PumpAlarm: extraAlarm('PumpAlarm', 'PumpFault', ['ConfirmedState', 'Confirm']), DoorAlarm: extraAlarm('DoorAlarm', 'Door open', []) };
    if (options.refuseConditionRefresh) {
      // A server without ConditionRefresh support (some PLC runtimes): the method answers BadNotSupported.
      const refresh = as.findNode('i=3875') as unknown as { bindMethod(f: (a: unknown, c: unknown, cb: (e: null, r: { statusCode: unknown }) => void) => void): void };
      refresh.bindMethod((_args, _ctx, cb) => cb(null, { statusCode: StatusCodes.BadNotSupported }));
    }
    await server.start();
    return new PlcServer(server, server.endpoints[0].port, vars, alarm, extra);
  }

  set(name: 'Temperature' | 'Pressure' | 'Setpoint', value: number): void {
    this.vars[name].setValueFromSource({ dataType: DataType.Double, value });
  }

  /** Sets an integer register; Int64 values exactly (as node-opcua's [high, low] pair). */
  setRegister(name: 'StatusWord' | 'FaultCode' | 'BigCode' | 'SignedWord', value: number | bigint): void {
    const type = { StatusWord: DataType.UInt16, FaultCode: DataType.Int32, BigCode: DataType.Int64, SignedWord: DataType.Int16 }[name];
    if (name !== 'BigCode') return this.vars[name].setValueFromSource({ dataType: type, value: Number(value) });
    const u = BigInt.asUintN(64, BigInt(value));
    this.vars[name].setValueFromSource({ dataType: type, arrayType: VariantArrayType.Scalar, value: [Number(u >> 32n), Number(u & 0xffffffffn)] });
  }

  get(name: string): unknown {
    return this.vars[name].readValue().value.value;
  }

  raiseAlarm(message: string, severity: number): void {
    this.alarm.activateAlarm();
    this.alarm.raiseNewCondition({ message, severity, retain: true });
  }

  /** The alarm goes inactive and an operator acknowledges it at the PLC (an inactive, unacknowledged alarm stays confirmed). */
  clearAlarm(): void {
    this.alarm.deactivateAlarm();
    this.alarm.raiseNewCondition({ message: 'back to normal', severity: 100, retain: true });
    this.alarm.acknowledgeAndAutoConfirmBranch(this.alarm.currentBranch(), 'acknowledged at the PLC');
  }

  /** Activates one of the other alarms (unacknowledged, retained). */
  raise(name: ExtraAlarm, message: string, severity: number): void {
    const a = this.extra[name];
    a.activateAlarm();
    a.raiseNewCondition({ message, severity, retain: true });
  }

  /** The alarm goes inactive; it stays retained until acknowledged (and confirmed). */
  deactivate(name: ExtraAlarm): void {
    const a = this.extra[name];
    a.deactivateAlarm();
    a.raiseNewCondition({ message: 'back to normal', severity: 100, retain: true });
  }

  /** AckedState / ConfirmedState of an alarm's current branch, as the server holds them. */
  conditionState(name: ExtraAlarm): { acked: boolean; confirmed: boolean } {
    const b = this.extra[name].currentBranch();
    return { acked: b.getAckedState(), confirmed: b.getConfirmedState() };
  }

  async stop(): Promise<void> {
    await this.server.shutdown(0);
  }
}
