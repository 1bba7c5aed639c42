#!/usr/bin/env python3
"""rule-table.py: the "can this exit reason occur" rule of every VMX basic
exit reason and SVM exit code, generated from the rule tables in
assignment3/kvm.diff (vmx_exit_rules[], svm_exit_rules[]) and the names in
common/exit-reasons/*.tsv.  Markdown on stdout."""
import os, re, sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
diff = open(os.path.join(root, 'assignment3', 'kvm.diff')).read()
# added lines only, continuation lines joined
added = '\n'.join(l[1:] for l in diff.splitlines() if l.startswith('+') and not l.startswith('+++'))
added = re.sub(r',\n\s+', ', ', re.sub(r'\|\n\s+', '| ', added))

def tsv(name):
    out = {}
    for line in open(os.path.join(root, 'common', 'exit-reasons', name)):
        f = line.rstrip('\n').split('\t')
        if len(f) > 3 and not f[0].startswith('#') and f[3] == 'yes':
            try:
                out[int(f[0], 0)] = f[1]
            except ValueError:
                pass
    return out

vmx = {}
for m in re.finditer(r'VMX_EXIT_RULE\((\d+), (\w+), ([^,]+), ([^,]+), ([^)]+)\)', added):
    vmx[int(m.group(1))] = (m.group(2), [x.strip().replace(' | ', ' or ') for x in m.group(3, 4, 5) if x.strip() != '0'])
print('| VMX reason | name | can occur when (vmx_exit_rules[]) |\n|---:|---|---|')
for r, name in sorted(tsv('vmx.tsv').items()):
    kind, masks = vmx.get(r, ('NEVER', []))
    rule = {'ALWAYS': 'always (unconditional exit)',
            'CTLS': 'live vmcs01 has ' + ' and '.join(masks),
            'DYN': 'KVM toggles ' + ' and '.join(masks) + ' at run time; vmcs_config has it',
            'NEVER': 'never: no control KVM programs enables it'}[kind]
    print(f'| {r} | {name} | {rule} |')

svm = {int(m.group(1), 16): m.group(2)
       for m in re.finditer(r'SVM_EXIT_RULE\(0x([0-9a-f]+), (\w+)\)', added)}
text = {'ALWAYS': 'always', 'NPT': 'npt_enabled (kvm_amd.npt=1)', 'AVIC': 'AVIC active for the vCPU',
        'SEV_ES': 'SEV-ES guest', 'SEV_SNP': 'SEV-SNP guest', 'NEVER': 'never'}
print('\n| SVM code | name | can occur when (svm_exit_code_enabled()) |\n|---:|---|---|')
for c, name in sorted(tsv('svm.tsv').items(), key=lambda x: x[0] & 0xffffffff):
    c32 = c & 0xffffffff
    if c32 in svm:
        rule = text[svm[c32]]
    elif c32 < 0xc0:
        rule = f'intercept bit {c32} set in the live vmcb01'
    else:
        rule = 'never'
    print(f'| {c32:#x} | {name} | {rule} |')
